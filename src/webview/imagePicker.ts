/**
 * The grid of workspace images to pick from (the list the host answers `listImages` with): used
 * for an edit's references and for the set's anchor. Each image is a toggle button.
 */
import { h } from './dom';

export interface PickableImage {
  readonly file: string;
  readonly uri: string;
}

export function imagePicker(
  images: readonly PickableImage[],
  options: { readonly label: string; readonly keyPrefix: string; readonly pressed: (file: string) => boolean; readonly onPick: (image: PickableImage) => void },
): HTMLElement {
  return h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': options.label },
    ...images.map((image) =>
      h(
        'button',
        { type: 'button', class: 'pick', 'data-key': `${options.keyPrefix}:${image.file}`, 'aria-pressed': String(options.pressed(image.file)), onclick: () => options.onPick(image) },
        h('img', { src: image.uri, alt: '', loading: 'lazy' }),
        h('span', {}, image.file),
      ),
    ),
  );
}
