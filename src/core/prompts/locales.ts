/**
 * Locales a mockup's visible text can be rendered in. Each locale becomes its own asset; the
 * prompt gains an instruction naming the language and script, and optional verbatim strings.
 */

export interface Locale {
  /** BCP 47 tag, also used in file names. */
  readonly tag: string;
  readonly englishName: string;
  readonly nativeName: string;
  readonly script: string;
  readonly direction: 'ltr' | 'rtl';
}

export const LOCALES: readonly Locale[] = [
  { tag: 'en', englishName: 'English', nativeName: 'English', script: 'Latin', direction: 'ltr' },
  { tag: 'ja', englishName: 'Japanese', nativeName: '日本語', script: 'Japanese (kanji and kana)', direction: 'ltr' },
  { tag: 'ko', englishName: 'Korean', nativeName: '한국어', script: 'Hangul', direction: 'ltr' },
  { tag: 'zh-Hans', englishName: 'Chinese (Simplified)', nativeName: '简体中文', script: 'Simplified Chinese characters', direction: 'ltr' },
  { tag: 'zh-Hant', englishName: 'Chinese (Traditional)', nativeName: '繁體中文', script: 'Traditional Chinese characters', direction: 'ltr' },
  { tag: 'hi', englishName: 'Hindi', nativeName: 'हिन्दी', script: 'Devanagari', direction: 'ltr' },
  { tag: 'bn', englishName: 'Bengali', nativeName: 'বাংলা', script: 'Bengali', direction: 'ltr' },
  { tag: 'ar', englishName: 'Arabic', nativeName: 'العربية', script: 'Arabic', direction: 'rtl' },
  { tag: 'he', englishName: 'Hebrew', nativeName: 'עברית', script: 'Hebrew', direction: 'rtl' },
  { tag: 'es', englishName: 'Spanish', nativeName: 'Español', script: 'Latin', direction: 'ltr' },
  { tag: 'de', englishName: 'German', nativeName: 'Deutsch', script: 'Latin', direction: 'ltr' },
  { tag: 'fr', englishName: 'French', nativeName: 'Français', script: 'Latin', direction: 'ltr' },
  { tag: 'pt-BR', englishName: 'Portuguese (Brazil)', nativeName: 'Português (Brasil)', script: 'Latin', direction: 'ltr' },
  { tag: 'it', englishName: 'Italian', nativeName: 'Italiano', script: 'Latin', direction: 'ltr' },
];

export function findLocale(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  return LOCALES.find((l) => l.tag.toLowerCase() === lower) ?? (lower === 'zh' ? findLocale('zh-Hans') : undefined);
}

export class LocaleError extends Error {
  override readonly name = 'LocaleError';
}

export function requireLocale(tag: string): Locale {
  const locale = findLocale(tag);
  if (!locale) throw new LocaleError(`Unknown locale "${tag}": use one of ${LOCALES.map((l) => l.tag).join(', ')}.`);
  return locale;
}

/**
 * The sentence added to the prompt for a locale: all visible text in that language and script
 * (right to left where it applies), and the strings to use word for word.
 */
export function localeInstruction(locale: Locale, verbatim: readonly string[] = []): string {
  let text = `All visible text in the image is written in ${locale.englishName} (${locale.nativeName}), in the ${locale.script} script`;
  text += locale.direction === 'rtl' ? ', laid out right to left with mirrored navigation and alignment.' : '.';
  const strings = verbatim.map((s) => s.trim()).filter(Boolean);
  if (strings.length) text += ` Use these strings exactly as written: ${strings.map((s) => `"${s.replace(/"/g, '\u201d')}"`).join(', ')}.`;
  return text;
}
