/**
 * A mockup as the Studio shows it in a set (the results of the session, the history): a card with
 * the image (a click shows it larger), its name by what tells it from the others of the set (the
 * full name on hover), its figures, and its actions as icons with an overflow menu. The actions
 * are one list for the card, the canvas's toolbar and the filmstrip's selection.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { CodeLanguage, MockupItem } from '../../studio/protocol';
import { anchorOf } from '../anchor';
import { compareLabels } from '../compareModel';
import type { ResultAction, ResultActionEvent } from '../components/resultActions';
import '../components/resultActions';
import { formatMs, formatUsd } from '../format';
import { displayLanguage, t } from '../l10n';
import type { StudioStore } from '../store';

export type Where = 'results' | 'history';

export const LANGUAGES = ['curl', 'typescript', 'python', 'csharp'] as const satisfies readonly CodeLanguage[];

export function languageName(language: CodeLanguage): string {
  return { curl: 'curl', typescript: 'TypeScript', python: 'Python', csharp: 'C#' }[language];
}

/** The actions of a mockup, as the card's icon toolbar and its overflow menu offer them. */
export function cardActions(store: StudioStore, item: MockupItem, where: Where): ResultAction[] {
  const compared = store.state.compare.includes(item.file);
  const anchored = store.state.anchor?.file === item.file;
  const anchor: ResultAction = { id: 'anchor', label: anchored ? t('Anchor') : t('Use as anchor'), icon: 'pinned', pressed: anchored, overflow: true };
  const reveal: ResultAction = { id: 'reveal', label: t('Reveal'), icon: 'folder-opened' };
  if (where === 'history') {
    return [
      { id: 'open', label: t('Open'), icon: 'edit' },
      { id: 'reuse', label: t('Reuse settings'), icon: 'history' },
      reveal,
      ...(item.designStatus === 'older' ? [{ id: 'regenerate-design', label: t('Regenerate with the current design system'), icon: 'sync' }] : []),
      { id: 'view', label: t('View larger'), icon: 'screen-full', overflow: true },
      anchor,
    ];
  }
  return [
    { id: 'refine', label: t('Refine'), icon: 'edit' },
    { id: 'inpaint', label: t('Inpaint'), icon: 'paintcan' },
    { id: 'compare', label: compared ? t('Comparing') : t('Compare'), icon: 'diff', pressed: compared },
    { id: 'regenerate', label: t('Regenerate'), icon: 'refresh' },
    reveal,
    { id: 'code', label: t('Copy the request as code'), icon: 'code', menu: LANGUAGES.map((language) => ({ id: language, label: languageName(language) })) },
    { id: 'view', label: t('View larger'), icon: 'screen-full', overflow: true },
    { id: 'copy-prompt', label: t('Copy prompt'), icon: 'copy', overflow: true },
    anchor,
  ];
}

/** Does what a mockup's action asks. */
export function runCardAction(store: StudioStore, item: MockupItem, where: Where, { action, choice }: ResultActionEvent, set: readonly MockupItem[]): void {
  switch (action) {
    case 'refine':
    case 'inpaint':
      store.openIterate(item, action);
      return;
    case 'compare':
      store.toggleCompare(item.file);
      return;
    case 'regenerate':
      store.regenerate(item);
      return;
    case 'anchor':
      store.setAnchor(store.state.anchor?.file === item.file ? undefined : anchorOf(item));
      return;
    case 'copy-prompt':
      store.post({ type: 'copyPrompt', file: item.file });
      return;
    case 'reveal':
      store.post({ type: 'reveal', file: item.file });
      return;
    case 'code':
      if ((LANGUAGES as readonly string[]).includes(choice ?? '')) store.copyCode(item.file, choice as CodeLanguage);
      return;
    case 'view':
      store.showLightbox(set, item);
      return;
    case 'open':
      store.openFromHistory(item.file);
      return;
    case 'reuse':
      store.reuse(item);
      return;
    case 'regenerate-design':
      if (where === 'history') store.post({ type: 'regenerate', file: item.file });
      return;
  }
}

/** The actions as icons; those in `onToolbar` are not in the overflow menu (the canvas has room for them). */
export function actionsOf(store: StudioStore, item: MockupItem, where: Where, set: readonly MockupItem[], className: string, onToolbar: readonly string[] = []): TemplateResult {
  const actions = cardActions(store, item, where).map((a) => (onToolbar.includes(a.id) ? { ...a, overflow: false } : a));
  return html`<fm-result-actions class=${className} .name=${item.name} .actions=${actions} @result-action=${(e: CustomEvent<ResultActionEvent>) => runCardAction(store, item, where, e.detail, set)}></fm-result-actions>`;
}

export function altOf(item: MockupItem): string {
  return item.promptTyped ? t('Mockup: {0}', item.promptTyped.slice(0, 120)) : item.name;
}

/** A mockup's figures in one line: size, language, tokens, cost, time. */
export function statsOf(item: MockupItem): string {
  return [
    item.sizeLabel,
    item.locale,
    item.tokens !== undefined ? t('{0} tokens', item.tokens.toLocaleString(displayLanguage())) : undefined,
    item.costUsd !== undefined ? formatUsd(item.costUsd) : undefined,
    item.durationMs !== undefined ? formatMs(item.durationMs) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Cards for a set of mockups, each named by what tells it from the others. */
export function cards(store: StudioStore, items: readonly MockupItem[], where: Where, open: (item: MockupItem) => void): TemplateResult[] {
  const labels = compareLabels(items, t);
  return items.map((item, i) => {
    const label = labels[i] ?? item.name;
    return html`<article class="card" data-file=${item.file} aria-label=${item.name}>
      <button type="button" class="thumb" aria-label=${t('View {0} larger', item.name)} @click=${() => open(item)}><img src=${item.uri} alt=${altOf(item)} loading="lazy" /></button>
      ${actionsOf(store, item, where, items, 'card-actions')}
      <div class="card-body">
        <div class="card-title" title=${item.file}>${label}</div>
        ${store.state.anchor?.file === item.file ? html`<div class="badge anchor-badge">${t('Anchor')}</div>` : nothing}
        <div class="stats">${statsOf(item)}</div>
        ${item.designStatus === 'older' ? html`<div class="stats design-older">${t('Made with an older version of the design system')}</div>` : nothing}
        ${item.requestId ? html`<div class="dim request-id" title=${t('Service request ID')}>${t('Request {0}', item.requestId)}</div>` : nothing}
        ${item.promptTyped ? html`<p class="card-prompt">${item.promptTyped}</p>` : nothing}
        ${item.chain.length > 1 ? html`<div class="dim">${t('{0} edit step(s)', item.chain.length - 1)}</div>` : nothing}
      </div>
    </article>`;
  });
}
