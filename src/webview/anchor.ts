/**
 * The set's anchor in the compose area: the image every generated image takes its look from (it is
 * sent as the last input image of each request). Shows the anchor with a Clear button, or how to
 * choose one: "Use as anchor" on a result or history image, or a workspace image from the picker.
 */
import { h } from './dom';
import { imagePicker, type PickableImage } from './imagePicker';
import { t } from './l10n';

/** What the app keeps of the anchor (setState): the workspace-relative file sent to the host, and how to show it. */
export interface AnchorView {
  readonly file: string;
  readonly uri: string;
  readonly name: string;
}

export function anchorOf(image: PickableImage & { readonly name?: string }): AnchorView {
  return { file: image.file, uri: image.uri, name: image.name ?? image.file.split('/').pop() ?? image.file };
}

export interface AnchorSectionOptions {
  readonly anchor: AnchorView | undefined;
  /** Whether the workspace picker is open, and its images once the host listed them. */
  readonly picking: boolean;
  readonly images: readonly PickableImage[] | undefined;
  readonly onTogglePicker: () => void;
  readonly onChoose: (anchor: AnchorView) => void;
  readonly onClear: () => void;
}

/** The section's content (its heading has the id `h-anchor`). */
export function anchorSection(options: AnchorSectionOptions): Node[] {
  const { anchor } = options;
  const head = h('div', { class: 'block-head' }, h('h2', { id: 'h-anchor' }, t('Anchor')), h('span', { class: 'hint' }, anchor ? t('one look for the set') : t('none')));
  const current = anchor
    ? h(
        'div',
        { class: 'anchor', id: 'anchor', 'data-file': anchor.file },
        h('img', { class: 'anchor-thumb', src: anchor.uri, alt: t('The anchor: {0}', anchor.name) }),
        h(
          'div',
          { class: 'anchor-text' },
          h('strong', { class: 'anchor-name', title: anchor.file }, anchor.name),
          h('span', { class: 'hint' }, t('Sent with every size and language: each image takes its colours, type, radius and components.')),
        ),
        h('button', { type: 'button', class: 'secondary', id: 'clear-anchor', 'data-key': 'clear-anchor', 'aria-label': t('Clear the anchor {0}', anchor.name), onclick: options.onClear }, t('Clear')),
      )
    : h('p', { class: 'hint' }, t('No anchor. Choose "Use as anchor" on a result or a history image, or pick a workspace image, to keep one look across sizes and languages.'));
  const pick = h(
    'button',
    { type: 'button', class: 'secondary', id: 'pick-anchor', 'data-key': 'pick-anchor', 'aria-expanded': String(options.picking), onclick: options.onTogglePicker },
    options.picking ? t('Done') : anchor ? t('Pick another from the workspace') : t('Pick from the workspace'),
  );
  const picker =
    options.picking && options.images
      ? imagePicker(options.images, { label: t('Workspace images to use as the anchor'), keyPrefix: 'anchor', pressed: (file) => file === anchor?.file, onPick: (image) => options.onChoose(anchorOf(image)) })
      : '';
  return [head, current, h('div', { class: 'row' }, pick), picker].filter((n): n is HTMLElement => n !== '');
}
