/**
 * The webview's strings. Every string the app shows goes through `t`, keyed by its English text as
 * `vscode.l10n.t` is on the host; the host sends the bundle for VS Code's display language with
 * `init` (none for English). `{0}`, `{1}`... are replaced by the arguments.
 */
let bundle: Readonly<Record<string, string>> = {};
let language = 'en';

export function setBundle(next: Readonly<Record<string, string>> | undefined, lang = 'en'): void {
  bundle = next ?? {};
  language = lang;
  document.documentElement.lang = lang;
}

export function t(message: string, ...args: Array<string | number>): string {
  const text = Object.hasOwn(bundle, message) ? (bundle[message] ?? message) : message;
  return args.length ? text.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : whole)) : text;
}

/** The display language, for number and date formatting. */
export function displayLanguage(): string {
  return language;
}
