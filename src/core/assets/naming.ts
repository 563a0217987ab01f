/**
 * File names for generated assets: a short, safe slug from the prompt (or the name the user gave),
 * the size, the locale and the variant.
 */
import { createHash } from 'node:crypto';
import { unsafeCharacterProblem } from './paths';

const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'for', 'with', 'and', 'in', 'on', 'to', 'at', 'by', 'from', 'that', 'this', 'is', 'are']);
const MAX_SLUG_WORDS = 6;
const MAX_SLUG_CHARS = 48;
/** Names Windows refuses for files, whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A lowercase ASCII slug of the prompt's first meaningful words. A prompt without Latin letters or
 * digits (Japanese, Arabic, Hindi...) gets `mockup-` and a short hash of the prompt, so that
 * different prompts still get different, stable names.
 */
export function slugFromPrompt(prompt: string): string {
  const ascii = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  const chosen = (meaningful.length > 0 ? meaningful : words).slice(0, MAX_SLUG_WORDS);
  let slug = '';
  for (const word of chosen) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG_CHARS) break;
    slug = next;
  }
  if (!slug && chosen.length > 0) slug = chosen[0].slice(0, MAX_SLUG_CHARS);
  return slug || `mockup-${shortHash(prompt)}`;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

/**
 * Checks a file name given by the user (without extension): it must be a single, portable file
 * name. Returns the problem as a sentence, or undefined when it is fine.
 */
export function fileNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return 'the name is empty: give a file name such as "checkout-screen".';
  if (/[/\\]/.test(name)) return `the name "${name}" contains a path separator: give a file name only, and choose the folder with "folder".`;
  if (name === '.' || name === '..' || name.startsWith('.')) return `the name "${name}" starts with a dot: hidden names are not allowed for assets.`;
  const unsafe = unsafeCharacterProblem(name);
  if (unsafe) return `the name "${name.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, '?')}" cannot be used: ${unsafe}`;
  if (/[<>:"|?*]/.test(name)) {
    return `the name "${name}" contains a character that is not allowed in file names (< > : " | ? * or a control character).`;
  }
  if (/[. ]$/.test(name)) return `the name "${name}" ends with a dot or a space, which Windows does not allow.`;
  if (WINDOWS_RESERVED.test(name.split('.')[0])) return `the name "${name}" is reserved on Windows: choose another.`;
  if (name.length > 120) return `the name is ${name.length} characters long: keep it to 120 or fewer.`;
  return undefined;
}

/**
 * Checks the folder originals and painted masks go to (`foundryMockups.companionFolder`, the CLI's
 * `--companion-folder`): one plain folder name inside the image's folder, hidden (`.originals`)
 * allowed, never `.git` or `node_modules`. Empty means beside the image. Returns the problem, or undefined.
 */
export function companionFolderProblem(name: string): string | undefined {
  if (name === '') return undefined;
  if (/^(\.git|node_modules)$/i.test(name)) return `"${name}" is a folder tools own: choose another name, such as "originals".`;
  const problem = fileNameProblem(name.startsWith('.') ? name.slice(1) : name);
  return problem ? `the companion folder must be one plain folder name, such as "originals" or ".originals": ${problem}` : undefined;
}

export interface AssetNameParts {
  /** The prompt the name is made from, unless `name` is given. */
  readonly prompt: string;
  /** A name the user gave, used as is (after `fileNameProblem`). */
  readonly name?: string;
  readonly width: number;
  readonly height: number;
  /** A preset id, used instead of the size when given (e.g. `iphone-15`). */
  readonly presetId?: string;
  readonly locale?: string;
  /** 1-based variant number; omitted from the name when the request made one image. */
  readonly variant?: number;
  readonly variants?: number;
  /** Whether the size (or preset) is part of the name; default true. A given `name` used for one size leaves it out. */
  readonly includeSize?: boolean;
}

/** The base name (no extension) of an asset, e.g. `checkout-screen-dark-1170x2532-ja-v2`. */
export function assetBaseName(parts: AssetNameParts): string {
  const stem = parts.name ?? slugFromPrompt(parts.prompt);
  const pieces = [stem];
  if (parts.includeSize ?? true) pieces.push(parts.presetId ? safeToken(parts.presetId) : `${parts.width}x${parts.height}`);
  if (parts.locale) pieces.push(safeToken(parts.locale));
  if (parts.variant !== undefined && (parts.variants ?? 2) > 1) pieces.push(`v${parts.variant}`);
  return pieces.join('-');
}

/** The name tried after `base` is taken: `base-2`, `base-3`, ... */
export function numberedName(base: string, attempt: number): string {
  return attempt <= 1 ? base : `${base}-${attempt}`;
}

function safeToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/**
 * The stem an edit's result is named from: the edited image's name without its extension, the
 * `.original` marker, or an earlier edit's `-refined` / `-inpainted` suffix (and its number), so
 * that editing an edit gives `login-refined-2`, not `login-refined-refined`.
 */
export function editStem(imageFileName: string): string {
  const base = imageFileName.split(/[\\/]/).pop() ?? imageFileName;
  return base
    .replace(/\.[^.]+$/, '')
    .replace(/\.original$/, '')
    .replace(/-(refined|inpainted)(-\d+)?$/, '');
}
