/**
 * The scripting contract of the generate and refine commands (tests and keybindings use it):
 * options objects checked field by field, with errors that name the field and the fix.
 * Everything that arrives here is untrusted.
 */
import { fileNameProblem } from './assets/naming';
import { type Background, BACKGROUNDS, type Fit, FITS, IMAGE_FORMATS, type ImageFormat, MAX_N, PROMPT_MAX_CHARS, type Quality, QUALITIES } from './vocabulary';

export interface GenerateOptions {
  readonly prompt: string;
  /** Preset ids, `WxH` or `WxH@2x`; default: the last sizes used, else `auto`. */
  readonly sizes?: readonly string[];
  /** Absolute, or relative to the workspace folder. */
  readonly folder?: string;
  readonly name?: string;
  readonly quality?: Quality;
  readonly n?: number;
  readonly format?: ImageFormat;
  readonly background?: Background;
  readonly fit?: Fit;
}

export interface RefineOptions {
  /** The image to edit: absolute or workspace-relative path (or a file URI's fsPath). */
  readonly image: string;
  readonly prompt: string;
  readonly mask?: string;
  readonly references?: readonly string[];
  readonly sizes?: readonly string[];
  readonly quality?: Quality;
  readonly n?: number;
  readonly name?: string;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid options: ${problems.join(' ')}`);
  }
}

const MAX_SIZES = 50;

type Checker = { problems: string[]; source: Record<string, unknown> };

function checker(raw: unknown, what: string): Checker {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new OptionsError([`${what} takes an options object, such as { "prompt": "A login screen", "sizes": ["390x844@3x"] }.`]);
  }
  return { problems: [], source: raw as Record<string, unknown> };
}

function unknownKeys(c: Checker, allowed: readonly string[]): void {
  for (const key of Object.keys(c.source)) {
    if (!allowed.includes(key)) c.problems.push(`"${key}" is not an option (allowed: ${allowed.join(', ')}).`);
  }
}

function prompt(c: Checker): string {
  const value = c.source.prompt;
  if (typeof value !== 'string' || value.trim() === '') {
    c.problems.push('"prompt" must be a non-empty string describing the mockup.');
    return '';
  }
  if (value.length > PROMPT_MAX_CHARS) c.problems.push(`"prompt" has ${value.length} characters; the service accepts at most ${PROMPT_MAX_CHARS}.`);
  return value;
}

function optionalString(c: Checker, key: string): string | undefined {
  const value = c.source[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    c.problems.push(`"${key}" must be a non-empty string.`);
    return undefined;
  }
  return value;
}

function optionalEnum<T extends string>(c: Checker, key: string, allowed: readonly T[]): T | undefined {
  const value = c.source[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    c.problems.push(`"${key}" must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`);
    return undefined;
  }
  return value as T;
}

function optionalStrings(c: Checker, key: string): string[] | undefined {
  const value = c.source[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SIZES || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
    c.problems.push(`"${key}" must be a list of 1 to ${MAX_SIZES} non-empty strings.`);
    return undefined;
  }
  return value as string[];
}

function optionalCount(c: Checker): number | undefined {
  const value = c.source.n;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_N) {
    c.problems.push(`"n" must be a whole number from 1 to ${MAX_N} (got ${JSON.stringify(value)}).`);
    return undefined;
  }
  return value;
}

function optionalName(c: Checker): string | undefined {
  const name = optionalString(c, 'name');
  if (name === undefined) return undefined;
  const problem = fileNameProblem(name);
  if (problem) c.problems.push(`"name": ${problem}`);
  return name;
}

function finish<T>(c: Checker, value: T): T {
  if (c.problems.length > 0) throw new OptionsError(c.problems);
  return value;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function parseGenerateOptions(raw: unknown): GenerateOptions {
  const c = checker(raw, 'Generate Mockup');
  unknownKeys(c, ['prompt', 'sizes', 'folder', 'name', 'quality', 'n', 'format', 'background', 'fit']);
  const value = defined({
    prompt: prompt(c),
    sizes: optionalStrings(c, 'sizes'),
    folder: optionalString(c, 'folder'),
    name: optionalName(c),
    quality: optionalEnum(c, 'quality', QUALITIES),
    n: optionalCount(c),
    format: optionalEnum(c, 'format', IMAGE_FORMATS),
    background: optionalEnum(c, 'background', BACKGROUNDS),
    fit: optionalEnum(c, 'fit', FITS),
  });
  if (value.background === 'transparent' && value.format === 'jpeg') {
    c.problems.push('"background": "transparent" needs "format": "png" (JPEG has no transparency).');
  }
  return finish(c, value);
}

export function parseRefineOptions(raw: unknown): RefineOptions {
  const c = checker(raw, 'Refine Image');
  unknownKeys(c, ['image', 'prompt', 'mask', 'references', 'sizes', 'quality', 'n', 'name']);
  const image = optionalString(c, 'image');
  if (image === undefined && c.source.image === undefined) c.problems.push('"image" is required: the workspace path of the png or jpeg to refine.');
  const references = optionalStrings(c, 'references');
  if (references && references.length > 15) c.problems.push('"references" may list at most 15 images (16 inputs with the image itself).');
  const value = defined({
    image: image ?? '',
    prompt: prompt(c),
    mask: optionalString(c, 'mask'),
    references,
    sizes: optionalStrings(c, 'sizes'),
    quality: optionalEnum(c, 'quality', QUALITIES),
    n: optionalCount(c),
    name: optionalName(c),
  });
  return finish(c, value);
}
