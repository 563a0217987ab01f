/**
 * The set's anchor: the image every generated image takes its look from (it is sent as the last
 * input image of each request).
 */

/** What the app keeps of the anchor (setState): the workspace-relative file sent to the host, and how to show it. */
export interface AnchorView {
  readonly file: string;
  readonly uri: string;
  readonly name: string;
}

export function anchorOf(image: { readonly file: string; readonly uri: string; readonly name?: string }): AnchorView {
  return { file: image.file, uri: image.uri, name: image.name ?? image.file.split('/').pop() ?? image.file };
}
