/**
 * The product's vocabulary: the values a request can take and the limits the service sets, declared
 * once. The core, every surface and the Studio app (a browser bundle) import them from here, so this
 * module imports nothing and uses nothing of Node. Sources: docs/foundry-image-api.md.
 */

/** The gpt-image model families a deployment can run (gpt-image-2 first). */
export const MODEL_FAMILIES = ['gpt-image-2', 'gpt-image-1.5', 'gpt-image-1', 'gpt-image-1-mini'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const QUALITIES = ['low', 'medium', 'high', 'auto'] as const;
export type Quality = (typeof QUALITIES)[number];

/** Output formats the product writes (the service's webp is refused: Foundry does not document it). */
export const IMAGE_FORMATS = ['png', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const BACKGROUNDS = ['auto', 'opaque', 'transparent'] as const;
export type Background = (typeof BACKGROUNDS)[number];

/** Content moderation level (v1 API form, generations only). */
export const MODERATIONS = ['auto', 'low'] as const;
export type Moderation = (typeof MODERATIONS)[number];

/** gpt-image-1 and 1.5 only. */
export const INPUT_FIDELITIES = ['low', 'high'] as const;
export type InputFidelity = (typeof INPUT_FIDELITIES)[number];

/**
 * How the service's image becomes the target: `cover` crops to the target's aspect, `contain` pads,
 * `generated` keeps the service's image as it is.
 */
export const FITS = ['cover', 'contain', 'generated'] as const;
export type Fit = (typeof FITS)[number];

/** What an edit does: a new prompt on the whole image, a painted region, or a redesign of a screenshot. */
export const EDIT_MODES = ['refine', 'inpaint', 'redesign'] as const;
export type EditMode = (typeof EDIT_MODES)[number];

/**
 * What a surface offers the user after a failed request (src/host/failure.ts maps each failure to
 * its actions, once, for the notifications and the Studio's error banner).
 */
export const FAILURE_ACTIONS = ['signIn', 'setApiKey', 'configureConnection', 'openSettings', 'retry', 'showLog', 'copyRequestId'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/** The longest prompt the service accepts, and the length above which some deployments refuse. */
export const PROMPT_MAX_CHARS = 32_000;
export const PROMPT_WARN_CHARS = 4_000;
/** Images per request. */
export const MAX_N = 10;
/** Streamed previews per image. */
export const MAX_PARTIAL_IMAGES = 3;
/** Input images of an edit (the image and its references), each at most this many bytes. */
export const MAX_INPUT_IMAGES = 16;
export const MAX_INPUT_IMAGE_BYTES = 50 * 1024 * 1024;
export const MAX_MASK_BYTES = 4 * 1024 * 1024;

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

export function isModelFamily(value: unknown): value is ModelFamily {
  return isOneOf(MODEL_FAMILIES, value);
}

export function isFit(value: unknown): value is Fit {
  return isOneOf(FITS, value);
}
