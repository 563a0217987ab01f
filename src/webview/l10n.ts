/**
 * The webview's strings. Every string the app shows goes through `t`, keyed by its English text as
 * `vscode.l10n.t` is on the host; the host sends the bundle for VS Code's display language with
 * `init` (none for English) and embeds it in the page. `{0}`, `{1}`... are replaced by the arguments.
 */
let bundle: Readonly<Record<string, string>> = {};
let language = 'en';

export function setBundle(next: Readonly<Record<string, string>> | undefined, lang = 'en'): void {
  bundle = next ?? {};
  language = lang;
}

export function t(message: string, ...args: Array<string | number>): string {
  const text = Object.hasOwn(bundle, message) ? (bundle[message] ?? message) : message;
  return args.length ? text.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : whole)) : text;
}

/**
 * The bundle the host embeds in the page (`data-l10n` of #app), read before anything renders, so
 * that what the app builds before `init` arrives is in the display language as well.
 */
export function useEmbeddedBundle(embedded: string | undefined): void {
  if (!embedded) return;
  try {
    const l10n = JSON.parse(embedded) as { language?: unknown; bundle?: unknown };
    if (typeof l10n.language === 'string') setBundle(typeof l10n.bundle === 'object' && l10n.bundle !== null ? (l10n.bundle as Record<string, string>) : undefined, l10n.language);
  } catch {
    // a page without a readable bundle shows English until init
  }
}

/** The display language, for number and date formatting. */
export function displayLanguage(): string {
  return language;
}
