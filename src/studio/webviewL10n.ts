import * as vscode from 'vscode';
import type { Services } from '../host/services';
import type { WebviewL10n } from './protocol';

/**
 * The Studio webview's strings for VS Code's display language: `l10n/webview.l10n.<language>.json`
 * (keyed by the English text, as the host's own bundles are), the language as VS Code names it
 * (`ja`, `zh-cn`) first, then its base language (`pt` for `pt-br`). English, or a language without
 * a file, has no bundle: the app shows its own English text. Read once per language.
 */
const read = new Map<string, Promise<WebviewL10n>>();

export function webviewL10n(services: Services, language: string = vscode.env.language): Promise<WebviewL10n> {
  const lang = language.toLowerCase();
  let bundle = read.get(lang);
  if (!bundle) {
    bundle = loadBundle(services, lang);
    read.set(lang, bundle);
  }
  return bundle;
}

async function loadBundle(services: Services, language: string): Promise<WebviewL10n> {
  if (language === 'en' || language.startsWith('en-')) return { language };
  const candidates = [...new Set([language, language.split('-')[0]])];
  for (const candidate of candidates) {
    const file = vscode.Uri.joinPath(services.context.extensionUri, 'l10n', `webview.l10n.${candidate}.json`);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch {
      continue; // no strings for this language
    }
    try {
      const parsed = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      const strings = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      return { language, bundle: strings };
    } catch (error) {
      services.log.warn(`Studio: ${file.fsPath} is not a string bundle (${String(error)}); the Studio is shown in English.`);
      return { language };
    }
  }
  return { language };
}
