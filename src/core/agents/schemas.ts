/**
 * The agent tools' inputs, declared once (valibot): the TypeScript types, the runtime validators of
 * what an agent sends (untrusted) and, through @valibot/to-json-schema, the JSON Schemas that the
 * MCP tool list and package.json's `contributes.languageModelTools` carry (a unit test keeps the
 * manifest equal to these). The VS Code tools and the MCP server both parse with these, so their
 * inputs cannot drift. Limits and value lists come from the vocabulary.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { FITS, IMAGE_FORMATS, MAX_INPUT_IMAGES, MAX_N, MODEL_FAMILIES, PROMPT_MAX_CHARS, QUALITIES, BACKGROUNDS } from '../vocabulary';

/** Sizes, locales and files per call: enough for a design system's set, bounded against hostile input. */
export const MAX_SIZES = 24;
export const MAX_LOCALES = 16;
const MAX_PATH_CHARS = 1024;
const MAX_NAME_CHARS = 120;

const text = (max: number, what: string) => v.pipe(v.string(), v.trim(), v.nonEmpty(`${what} is empty.`), v.maxLength(max, `${what} is longer than ${max} characters.`));
const workspacePath = (description: string) => v.pipe(text(MAX_PATH_CHARS, 'A path'), v.description(description));

const sizes = v.pipe(
  v.array(text(64, 'A size'), 'sizes is a list of sizes, such as ["iphone-16", "1200x630"].'),
  v.nonEmpty('sizes is empty: give at least one size, or leave it out for auto.'),
  v.maxLength(MAX_SIZES, `At most ${MAX_SIZES} sizes per call.`),
  v.description(
    'Target sizes: preset ids of the design system (iphone-16, galaxy-s24, ipad-pro-11, desktop-1440, og-image, instagram-story, app-store-iphone-6-9 ...), exact pixels WIDTHxHEIGHT (1200x630), CSS size at a density WIDTHxHEIGHT@Nx (390x844@3x), or auto. One image per size and locale, delivered at exactly these pixels.',
  ),
);
const locales = v.pipe(
  v.array(text(35, 'A locale'), 'locales is a list of BCP 47 tags, such as ["ja", "ko"].'),
  v.maxLength(MAX_LOCALES, `At most ${MAX_LOCALES} locales per call.`),
  v.description('BCP 47 tags (ja, ko, zh-Hans, hi, bn, ar, he, de ...): one separate image per locale, with the visible UI text rendered in that language.'),
);
const quality = v.pipe(v.picklist(QUALITIES, `quality is one of ${QUALITIES.join(', ')}.`), v.description('Image quality; low is cheapest and fastest, high costs most. Default: auto (an edit: its parent image\'s).'));
const variants = v.pipe(v.number('variants is a number.'), v.integer('variants is a whole number.'), v.minValue(1, 'variants is at least 1.'), v.maxValue(MAX_N, `variants is at most ${MAX_N}.`), v.description('Alternative images per size and locale (default 1).'));
const name = v.pipe(text(MAX_NAME_CHARS, 'name'), v.description('File name to use (no extension) instead of one made from the prompt; sizes and locales are still added when there are several.'));

export const GenerateMockupInput = v.strictObject({
  prompt: v.optional(v.pipe(text(PROMPT_MAX_CHARS, 'prompt'), v.description('What to show, in plain words: the screen, its content and style. Required unless a template is given; with a template, extra instructions.'))),
  template: v.optional(
    v.pipe(
      v.strictObject({
        id: v.pipe(text(64, 'template.id'), v.description('mobile-screen, web-page, dashboard, component-sheet, onboarding-flow, marketing-banner or storyboard-panel.')),
        fields: v.pipe(v.record(v.pipe(v.string(), v.maxLength(64)), v.pipe(v.string(), v.maxLength(2000))), v.description('The template\'s fields, such as {"app": "a coffee ordering app", "screen": "checkout"}.')),
      }),
      v.description('A prompt template and its fields, instead of or besides the prompt.'),
    ),
  ),
  sizes: v.optional(sizes),
  locales: v.optional(locales),
  quality: v.optional(quality),
  variants: v.optional(variants),
  folder: v.optional(workspacePath('Output folder, relative to the workspace root (default: the configured output folder, mockups). Never outside the workspace.')),
  name: v.optional(name),
  format: v.optional(v.pipe(v.picklist(IMAGE_FORMATS, `format is one of ${IMAGE_FORMATS.join(', ')}.`), v.description('png (default) or jpeg.'))),
  background: v.optional(v.pipe(v.picklist(BACKGROUNDS, `background is one of ${BACKGROUNDS.join(', ')}.`), v.description('transparent needs png.'))),
  fit: v.optional(v.pipe(v.picklist(FITS, `fit is one of ${FITS.join(', ')}.`), v.description('How the generated image becomes the exact size: cover crops (default), contain pads, generated keeps it as generated.'))),
  anchor: v.optional(
    workspacePath(
      'The anchor of a set: a workspace image (png or jpeg, relative to the workspace root), sent with every request of the call as a reference whose look (colours, type, radius, spacing, components) each image takes, not its content. When making the rest of a set (other screens, sizes or locales), pass the first approved image of the set, such as a path an earlier generate_mockup returned.',
    ),
  ),
});
export type GenerateMockupInput = v.InferOutput<typeof GenerateMockupInput>;

export const RefineMockupInput = v.strictObject({
  image: workspacePath('The workspace image (png or jpeg) to change, relative to the workspace root, such as mockups/login-iphone-16.png.'),
  change: v.pipe(text(PROMPT_MAX_CHARS, 'change'), v.description('The change to make, in plain words ("make the primary button green"). The image\'s own prompt, locale and template carry over from its sidecar.')),
  mask: v.optional(workspacePath('Optional PNG mask of the same size as the image: transparent pixels mark the region to repaint (an inpaint).')),
  references: v.optional(v.pipe(v.array(workspacePath('A reference image')), v.maxLength(MAX_INPUT_IMAGES - 1, `At most ${MAX_INPUT_IMAGES - 1} reference images.`), v.description('Optional workspace images whose style or content the edit should follow.'))),
  sizes: v.optional(sizes),
  quality: v.optional(quality),
  variants: v.optional(variants),
  name: v.optional(name),
});
export type RefineMockupInput = v.InferOutput<typeof RefineMockupInput>;

export const PlanSizesInput = v.strictObject({
  sizes: sizes,
  model: v.optional(v.pipe(v.picklist(MODEL_FAMILIES, `model is one of ${MODEL_FAMILIES.join(', ')}.`), v.description('Model family to plan for (default: the connection\'s).'))),
  fit: v.optional(v.pipe(v.picklist(FITS, `fit is one of ${FITS.join(', ')}.`), v.description('cover crops (default), contain pads, generated keeps the service\'s size.'))),
});
export type PlanSizesInput = v.InferOutput<typeof PlanSizesInput>;

export const FindMockupsInput = v.strictObject({
  text: v.optional(v.pipe(text(500, 'text'), v.description('Words that must all appear in the prompt or the file name.'))),
  size: v.optional(v.pipe(text(32, 'size'), v.description('Exact pixel size, WIDTHxHEIGHT, such as 1170x2532.'))),
  locale: v.optional(v.pipe(text(35, 'locale'), v.description('BCP 47 tag, such as ja.'))),
  model: v.optional(v.pipe(text(64, 'model'), v.description('Model family, such as gpt-image-2.'))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100), v.description('At most this many results, newest first (default 20).'))),
});
export type FindMockupsInput = v.InferOutput<typeof FindMockupsInput>;

export const GetJobInput = v.strictObject({
  jobId: v.pipe(text(64, 'jobId'), v.description('The job id a generate_mockup or refine_mockup call returned.')),
  waitSeconds: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(600), v.description('Wait up to this many seconds for the job to finish before answering (default: the server\'s --async-after).'))),
});
export type GetJobInput = v.InferOutput<typeof GetJobInput>;

export type AgentToolName = 'generate_mockup' | 'refine_mockup' | 'plan_sizes' | 'find_mockups';

export interface AgentToolSpec {
  /** The MCP tool name (snake_case, as agents' MCP clients show it). */
  readonly name: AgentToolName;
  /** The VS Code language model tool name (unique across extensions). */
  readonly vscodeName: string;
  /** The name users type after `#` in VS Code's chat. */
  readonly referenceName: string;
  readonly title: string;
  /** When an agent should use the tool, and what it returns. */
  readonly description: string;
  readonly schema: v.GenericSchema;
  /** Whether it spends money (and so asks first in VS Code). */
  readonly paid: boolean;
}

const WHERE = 'Files are written inside the workspace (never outside), each with a sidecar <image>.mockup.json that records prompt, settings, cost and lineage.';
const RETURNS = 'Returns the workspace-relative paths written, their exact pixel sizes, the cost in USD and the service request id, with a small preview of each image (not the full image).';

export const AGENT_TOOLS: readonly AgentToolSpec[] = [
  {
    name: 'generate_mockup',
    vscodeName: 'foundryMockups_generateMockup',
    referenceName: 'generateMockup',
    title: 'Generate mockups',
    description:
      `Generate UI/UX mockup images (app screens, web pages, dashboards, component sheets, banners, storyboards) with gpt-image on the user's Microsoft Foundry deployment, at exact design-system sizes and in several locales. Use it when the user asks for a mockup, screen, visual or banner image in the project. It costs money: call plan_sizes first when unsure about sizes. For a consistent set, make one image first and, once the user approves it, pass it as anchor when generating the other screens, sizes and locales, so they keep its look. ${WHERE} ${RETURNS}`,
    schema: GenerateMockupInput,
    paid: true,
  },
  {
    name: 'refine_mockup',
    vscodeName: 'foundryMockups_refineMockup',
    referenceName: 'refineMockup',
    title: 'Refine a mockup',
    description:
      `Change an existing workspace image with an instruction ("make the header dark", "replace the hero photo"), optionally only inside a mask and following reference images. The result is written beside the image with its lineage; the image's locale, template and quality carry over. It costs money. ${RETURNS}`,
    schema: RefineMockupInput,
    paid: true,
  },
  {
    name: 'plan_sizes',
    vscodeName: 'foundryMockups_planSizes',
    referenceName: 'planMockupSizes',
    title: 'Plan mockup sizes',
    description:
      'Free and instant, sends nothing: for each target size (preset id, WIDTHxHEIGHT, WIDTHxHEIGHT@Nx), the size the model will generate and the crop, resize or pad that yields the exact pixels, with warnings (upscaling, crop loss). Use it to choose or check sizes before generate_mockup.',
    schema: PlanSizesInput,
    paid: false,
  },
  {
    name: 'find_mockups',
    vscodeName: 'foundryMockups_findMockups',
    referenceName: 'findMockups',
    title: 'Find mockups',
    description:
      'Free, sends nothing: searches the mockups already in the workspace (their sidecars) by prompt words, size, locale or model, newest first, and returns their paths and the settings that made them, to reuse them in generate_mockup or refine_mockup.',
    schema: FindMockupsInput,
    paid: false,
  },
];

export const GET_JOB_TOOL = {
  name: 'get_job',
  title: 'Get a generation job',
  description: 'Returns the result of a generate_mockup or refine_mockup call that answered with a job id because it took longer than the server\'s --async-after time; while the job runs, says how far it is. Sends nothing and costs nothing.',
  schema: GetJobInput,
} as const;

export function agentTool(name: string): AgentToolSpec | undefined {
  return AGENT_TOOLS.find((t) => t.name === name || t.vscodeName === name);
}

/** The JSON Schema of a tool input, as the MCP tool list and the manifest declare it. */
export function inputJsonSchema(schema: v.GenericSchema): Record<string, unknown> {
  // trim only normalises what arrives; it has no JSON Schema form.
  const json = toJsonSchema(schema, { errorMode: 'throw', ignoreActions: ['trim'] }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

/** Why an input is refused: every problem, each naming its field. */
export class AgentInputError extends Error {
  override readonly name = 'AgentInputError';
}

/** Parses untrusted tool input against its schema; AgentInputError naming each problem. */
export function parseToolInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {});
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    const where = v.getDotPath(issue);
    // A strict object's issue with a path is a field it does not know.
    const message = issue.type === 'strict_object' && where ? `unknown field "${where}" (see the tool's input schema)` : issue.type === 'strict_object' ? 'the input must be an object.' : issue.message;
    return where && !message.includes(where) ? `${where}: ${message}` : message;
  });
  throw new AgentInputError(`Invalid input: ${problems.join(' ')}`);
}
