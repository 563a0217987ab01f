/**
 * The scripting contract of the generate and refine commands (tests and keybindings use it):
 * options objects declared once with valibot (the project's one schema library, as the agent
 * tools' inputs and the Studio's messages are), checked field by field with errors that name the
 * field and the fix. Everything that arrives here is untrusted.
 */
import * as v from 'valibot';
import { fileNameProblem } from './assets/naming';
import { BACKGROUNDS, FITS, IMAGE_FORMATS, MAX_INPUT_IMAGES, MAX_N, PROMPT_MAX_CHARS, QUALITIES } from './vocabulary';

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid options: ${problems.join(' ')}`);
  }
}

const MAX_SIZES = 50;
const got = (issue: { input: unknown }): string => JSON.stringify(issue.input) ?? String(issue.input);

const prompt = v.pipe(
  v.string('"prompt" must be a non-empty string describing the mockup.'),
  v.check((value) => value.trim() !== '', '"prompt" must be a non-empty string describing the mockup.'),
  v.maxLength(PROMPT_MAX_CHARS, (issue) => `"prompt" has ${String((issue.input).length)} characters; the service accepts at most ${PROMPT_MAX_CHARS}.`),
);
const nonEmpty = (key: string) => v.pipe(v.string(`"${key}" must be a non-empty string.`), v.check((value) => value.trim() !== '', `"${key}" must be a non-empty string.`));
const strings = (key: string) =>
  v.pipe(
    v.array(v.pipe(v.string(), v.check((s) => s.trim() !== '')), `"${key}" must be a list of 1 to ${MAX_SIZES} non-empty strings.`),
    v.check((list) => list.length >= 1 && list.length <= MAX_SIZES, `"${key}" must be a list of 1 to ${MAX_SIZES} non-empty strings.`),
  );
const oneOf = <T extends readonly string[]>(key: string, values: T) => v.picklist(values, (issue) => `"${key}" must be one of ${values.join(', ')} (got ${got(issue)}).`);
const count = v.pipe(
  v.number((issue) => `"n" must be a whole number from 1 to ${MAX_N} (got ${got(issue)}).`),
  v.check((n) => Number.isInteger(n) && n >= 1 && n <= MAX_N, (issue) => `"n" must be a whole number from 1 to ${MAX_N} (got ${got(issue)}).`),
);
const name = v.pipe(
  nonEmpty('name'),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? fileNameProblem(dataset.value) : undefined;
    if (problem) addIssue({ message: `"name": ${problem}` });
  }),
);

const GENERATE_OPTIONS = {
  prompt,
  sizes: v.optional(strings('sizes')),
  /** BCP 47 tags (en, ja, ar...): one image per size and locale, each with its language instruction. */
  locales: v.optional(strings('locales')),
  folder: v.optional(nonEmpty('folder')),
  name: v.optional(name),
  quality: v.optional(oneOf('quality', QUALITIES)),
  n: v.optional(count),
  format: v.optional(oneOf('format', IMAGE_FORMATS)),
  background: v.optional(oneOf('background', BACKGROUNDS)),
  fit: v.optional(oneOf('fit', FITS)),
};

const GenerateSchema = v.pipe(
  v.strictObject(GENERATE_OPTIONS, unknownKey),
  v.check((o) => !(o.background === 'transparent' && o.format === 'jpeg'), '"background": "transparent" needs "format": "png" (JPEG has no transparency).'),
);

const REFINE_OPTIONS = {
  image: nonEmpty('image'),
  prompt,
  mask: v.optional(nonEmpty('mask')),
  references: v.optional(
    v.pipe(
      strings('references'),
      v.maxLength(MAX_INPUT_IMAGES - 1, `"references" may list at most ${MAX_INPUT_IMAGES - 1} images (${MAX_INPUT_IMAGES} inputs with the image itself).`),
    ),
  ),
  sizes: v.optional(strings('sizes')),
  quality: v.optional(oneOf('quality', QUALITIES)),
  n: v.optional(count),
  name: v.optional(name),
};

const RefineSchema = v.strictObject(REFINE_OPTIONS, unknownKey);

export type GenerateOptions = v.InferOutput<typeof GenerateSchema>;
export type RefineOptions = v.InferOutput<typeof RefineSchema>;

/** A strict object's message: a key it does not declare, or a required key that is missing. */
function unknownKey(issue: v.StrictObjectIssue): string {
  const key = String(issue.path?.at(-1)?.key);
  if (issue.expected !== 'never') return MISSING[key] ?? `"${key}" is required.`;
  return `"${key}" is not an option`;
}

const MISSING: Readonly<Record<string, string>> = {
  image: '"image" is required: the workspace path of the png or jpeg to refine.',
  prompt: '"prompt" must be a non-empty string describing the mockup.',
};

function parse<S extends v.GenericSchema>(schema: S, allowed: readonly string[], raw: unknown, what: string): v.InferOutput<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new OptionsError([`${what} takes an options object, such as { "prompt": "A login screen", "sizes": ["390x844@3x"] }.`]);
  }
  const result = v.safeParse(schema, raw);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => (issue.type === 'strict_object' && issue.expected === 'never' ? `${issue.message} (allowed: ${allowed.join(', ')}).` : issue.message));
  throw new OptionsError([...new Set(problems)]);
}

export function parseGenerateOptions(raw: unknown): GenerateOptions {
  return parse(GenerateSchema, Object.keys(GENERATE_OPTIONS), raw, 'Generate Mockup');
}

export function parseRefineOptions(raw: unknown): RefineOptions {
  return parse(RefineSchema, Object.keys(REFINE_OPTIONS), raw, 'Refine Image');
}
