/** The Studio panel's view type; kept apart so that the activation shell can name it without the protocol. */
export const STUDIO_VIEW_TYPE = 'foundryMockups.studio';
