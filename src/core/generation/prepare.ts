/**
 * Step 2 of the use case: what a surface collected (prompt or template, locales, sizes, options,
 * an edit's inputs) becomes the requests to send, with their plans, the prompt exactly as it will
 * be sent (part by part), the warnings, the cost estimate and, when it cannot be sent, why.
 * Nothing is sent and nothing is written here: the Studio calls this on every keystroke.
 */
import { editStem } from '../assets/naming';
import type { Sidecar } from '../assets/sidecar';
import { readImageInfo } from '../foundry';
import type { Pricing } from '../pricing';
import { composePrompt, findLocale, type Locale, type PromptPart, type StyleGuide } from '../prompts';
import type { SizePlan } from '../sizes/planner';
import { planSize } from '../sizes/planner';
import { formatSize, type ModelFamily } from '../sizes/rules';
import { pixelTarget, TargetError } from '../sizes/target';
import { DEFAULT_SEAM_PIXELS, MAX_SEAM_PIXELS } from '../image/inpaint';
import { maskProblem } from '../studio/mask';
import { designRecord, type PromptDesign } from './design';
import {
  type Background,
  type EditMode,
  type Fit,
  type ImageFormat,
  isOneOf,
  MAX_N,
  MAX_PARTIAL_IMAGES,
  type Moderation,
  PROMPT_MAX_CHARS,
  PROMPT_WARN_CHARS,
  QUALITIES,
  type Quality,
} from '../vocabulary';
import { defaultPartialImages, estimateRequests, type GenerationEstimate } from './estimate';
import { type InputFile, isPaintedMask, type MockupRequest, type PaintedMask } from './request';
import { planInfo, type PresetFinder, planTargets, type TargetPlan } from './targets';

/** The parts of a parent's sidecar an edit inherits (read loosely: a sidecar is a file on disk). */
export type ParentSidecar = { readonly prompt?: Partial<Sidecar['prompt']>; readonly request?: Partial<Sidecar['request']> };

/**
 * The parent context in a sidecar's text: its prompt (typed, locale, template) and request
 * (quality); undefined when the text is not one of our sidecars. Only strings are taken.
 */
export function parentFromSidecarText(text: string): ParentSidecar | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || !isRecord(data['tool']) || data['tool']['name'] !== 'foundry-mockups') return undefined;
  const prompt = isRecord(data['prompt']) ? data['prompt'] : {};
  const request = isRecord(data['request']) ? data['request'] : {};
  const template = isRecord(prompt['template']) && typeof prompt['template']['id'] === 'string' && isRecord(prompt['template']['fields']) ? prompt['template'] : undefined;
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const typed = str(prompt['typed']);
  const locale = str(prompt['locale']);
  const quality = str(request['quality']);
  return {
    prompt: {
      ...(typed !== undefined ? { typed } : {}),
      ...(locale !== undefined ? { locale } : {}),
      ...(template ? { template: { id: template['id'] as string, fields: Object.fromEntries(Object.entries(template['fields'] as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')) } } : {}),
    },
    request: { ...(quality !== undefined ? { quality } : {}) },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface EditInput {
  readonly mode: EditMode;
  readonly image: InputFile;
  readonly references?: readonly InputFile[];
  /** A workspace mask file, or one painted in the Studio (written beside the result with it). */
  readonly mask?: InputFile | PaintedMask;
  /** The edited image's sidecar: its locale, template and quality carry over to the edit. */
  readonly parent?: ParentSidecar;
}

export interface GenerationInput {
  /** Free text; for an edit, the change to make. */
  readonly prompt?: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  /** BCP 47 tags, one asset each; none: no language instruction (an edit: the parent's locale). */
  readonly locales?: readonly string[];
  /** Strings to use word for word, per locale tag. */
  readonly verbatim?: Readonly<Record<string, readonly string[]>>;
  /** Preset ids, `WxH`, `WxH@Nx` or `auto`; default `auto` (an edit: the edited image's size). */
  readonly sizes?: readonly string[];
  readonly fit?: Fit;
  /** Default: the service's (`auto`); an edit inherits its parent's. */
  readonly quality?: Quality;
  readonly n?: number;
  /** Default png (an edit: the edited image's format). */
  readonly format?: ImageFormat;
  readonly compression?: number;
  readonly background?: Background;
  readonly moderation?: Moderation;
  /** Streamed previews per image; default: as many as cost at most a tenth of the image (defaultPartialImages). */
  readonly partialImages?: number;
  /** Absolute output folder, already through the workspace resolver. */
  readonly folder: string;
  /** The same folder relative to the workspace, for the lineage paths of files written with the result. */
  readonly folderRelative?: string;
  readonly name?: string;
  /** Whether the size is part of file names; default: unless `name` is given for a single size. */
  readonly sizeInName?: boolean;
  readonly edit?: EditInput;
  /**
   * The set's anchor: a workspace image (the first approved one of the set) sent as a reference with
   * every request, so that one look carries through every size and locale.
   */
  readonly anchor?: InputFile;
  /** An edit with a mask keeps the input's pixels outside the painted region, blended over this many pixels (default 8; 0: a hard edge). */
  readonly inpaintSeam?: number;
  readonly batch?: MockupRequest['batch'];
}

export interface GenerationEnv {
  readonly model: ModelFamily;
  readonly catalogue: PresetFinder;
  readonly pricing: Pricing;
  /** The workspace's design system (or a style guide), added to every prompt as a compact block. */
  readonly designSystem?: PromptDesign | StyleGuide;
  /** Where originals and painted masks go (see MockupRequest.companionFolder); absent: beside the image. */
  readonly companionFolder?: string;
}

export interface ComposedForLocale {
  readonly locale?: string;
  readonly typed: string;
  readonly sent: string;
  readonly parts: readonly PromptPart[];
}

export interface PreparedRequest {
  readonly request: MockupRequest;
  /** `1170x2532 (iphone-15) · ja`: what tells this request apart from the others of the set. */
  readonly label: string;
  readonly size: string;
  readonly locale?: string;
}

export interface PreparedGeneration {
  readonly requests: readonly PreparedRequest[];
  readonly plans: readonly TargetPlan[];
  readonly composed: readonly ComposedForLocale[];
  readonly estimate: GenerationEstimate;
  readonly warnings: readonly string[];
  /** Why the requests cannot be sent; runGeneration refuses while there is any. */
  readonly problems: readonly string[];
  readonly model: ModelFamily;
}

export function prepareGeneration(input: GenerationInput, env: GenerationEnv): PreparedGeneration {
  const problems: string[] = [];
  const warnings: string[] = [];
  const edit = input.edit;

  const n = input.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) problems.push(`Variants must be a whole number from 1 to ${MAX_N} (got ${String(n)}).`);
  const inheritedQuality = edit?.parent?.request?.quality;
  const quality = input.quality ?? (isOneOf(QUALITIES, inheritedQuality) ? inheritedQuality : undefined);

  // The edited image's own size and format are the defaults of an edit.
  const editInfo = edit ? readImageInfo(edit.image.bytes) : undefined;
  if (edit && (!editInfo || editInfo.contentType === 'image/webp')) problems.push(`${edit.image.file} is not a PNG or JPEG image that can be read.`);
  // An edit with a mask keeps the input's pixels outside it: lossless, PNG.
  const format: ImageFormat = input.format ?? (!edit?.mask && editInfo?.contentType === 'image/jpeg' ? 'jpeg' : 'png');
  const seam = edit?.mask ? (input.inpaintSeam ?? DEFAULT_SEAM_PIXELS) : undefined;
  if (seam !== undefined && !(Number.isInteger(seam) && seam >= 0 && seam <= MAX_SEAM_PIXELS)) problems.push(`The inpaint seam must be a whole number of pixels from 0 to ${MAX_SEAM_PIXELS} (got ${String(seam)}).`);
  if (input.compression !== undefined && format !== 'jpeg') problems.push('Compression applies only to JPEG output: choose the jpeg format, or leave compression out.');
  if (input.background === 'transparent' && format !== 'png') problems.push('A transparent background needs PNG output (JPEG has no transparency).');
  if (edit) problems.push(...editProblems(edit, editInfo));
  if (input.anchor && !isReadableImage(input.anchor)) problems.push(`The anchor ${input.anchor.file} is not a PNG or JPEG image that can be read.`);

  // Sizes.
  let plans: TargetPlan[];
  if (input.sizes?.length) {
    plans = planTargets(input.sizes, env.catalogue, env.model, input.fit);
  } else if (edit && editInfo) {
    plans = [ownSizePlan(editInfo, env.model)];
  } else {
    plans = planTargets(['auto'], env.catalogue, env.model, input.fit);
  }
  for (const plan of plans) {
    if (!plan.ok) problems.push(plan.problem);
    else for (const warning of plan.plan.warnings) if (!warnings.includes(warning)) warnings.push(warning);
  }

  // Locales and prompts.
  const parentLocale = edit?.parent?.prompt?.locale;
  const tags = input.locales?.length ? input.locales : edit && typeof parentLocale === 'string' && parentLocale ? [parentLocale] : [];
  const locales: Array<Locale | undefined> = [];
  for (const tag of tags) {
    const locale = findLocale(tag);
    if (!locale) problems.push(`Unknown locale "${tag}".`);
    else if (!locales.includes(locale)) locales.push(locale);
  }
  if (locales.length === 0) locales.push(undefined);
  const design = env.designSystem;
  if (design) warnings.push(...design.warnings);
  const designSystem = designRecord(design);

  const composed: ComposedForLocale[] = [];
  for (const locale of locales) {
    try {
      const c = composePrompt({
        ...(input.prompt !== undefined ? { text: input.prompt } : {}),
        ...(input.template && !edit ? { template: input.template } : {}),
        ...(edit ? { context: parentContext(edit.parent) } : {}),
        ...(edit?.mode === 'redesign' ? { lead: redesignLead(design !== undefined) } : {}),
        ...(input.anchor ? { anchored: true } : {}),
        ...(design ? { styleGuide: design } : {}),
        ...(locale ? { locale, verbatim: input.verbatim?.[locale.tag] ?? [] } : {}),
      });
      composed.push({ ...(locale ? { locale: locale.tag } : {}), typed: c.typed, sent: c.sent, parts: c.parts });
      if (c.sent.length > PROMPT_MAX_CHARS) problems.push(`The prompt${locale ? ` for ${locale.tag}` : ''} has ${c.sent.length} characters as sent; the service accepts at most ${PROMPT_MAX_CHARS}.`);
      else if (c.sent.length > PROMPT_WARN_CHARS) warnings.push(`The prompt${locale ? ` for ${locale.tag}` : ''} has ${c.sent.length} characters as sent; some deployments accept only ${PROMPT_WARN_CHARS}.`);
    } catch (error) {
      problems.push(edit ? 'Describe the change to make.' : error instanceof Error ? error.message : String(error));
      break;
    }
  }

  // One request per planned size and locale.
  const requests: PreparedRequest[] = [];
  const planned = plans.flatMap((p) => (p.ok ? [p] : []));
  const template = edit ? templateOf(edit.parent) : input.template;
  const name = input.name ?? (edit ? `${editStem(edit.image.file)}-${EDIT_SUFFIX[edit.mode]}` : undefined);
  for (const plan of planned) {
    for (const c of composed) {
      const partialImages = input.partialImages ?? defaultPartialImages(env.model, plan.plan.generation, quality);
      if (partialImages < 0 || partialImages > MAX_PARTIAL_IMAGES || !Number.isInteger(partialImages)) {
        if (!problems.some((p) => p.startsWith('Previews'))) problems.push(`Previews must be a whole number from 0 to ${MAX_PARTIAL_IMAGES}.`);
      }
      const request: MockupRequest = {
        promptTyped: c.typed,
        promptSent: c.sent,
        ...(template ? { template } : {}),
        ...(c.locale ? { locale: c.locale } : {}),
        ...(design ? { styleGuide: design.file } : {}),
        ...(designSystem ? { designSystem } : {}),
        plan: plan.plan,
        ...(quality ? { quality } : {}),
        n,
        outputFormat: format,
        ...(input.compression !== undefined ? { outputCompression: input.compression } : {}),
        ...(input.background && input.background !== 'auto' ? { background: input.background } : {}),
        ...(input.moderation && !edit && !input.anchor ? { moderation: input.moderation } : {}),
        ...(partialImages > 0 ? { partialImages } : {}),
        folder: input.folder,
        ...(input.folderRelative !== undefined ? { folderRelative: input.folderRelative } : {}),
        ...(name !== undefined ? { name } : {}),
        sizeInName: input.sizeInName ?? (name === undefined || planned.length > 1),
        // An edit inherits its parent's locale, and its name its parent's.
        ...(edit && !input.locales?.length ? { localeInName: false } : {}),
        ...(edit
          ? {
              edit: {
                mode: edit.mode,
                image: edit.image,
                ...(edit.references?.length ? { references: edit.references } : {}),
                ...(edit.mask ? { mask: edit.mask } : {}),
              },
            }
          : {}),
        ...(input.anchor ? { anchor: input.anchor } : {}),
        ...(seam !== undefined ? { inpaintSeam: seam } : {}),
        ...(env.companionFolder ? { companionFolder: env.companionFolder } : {}),
        ...(input.batch ? { batch: input.batch } : {}),
      };
      requests.push({ request, label: requestLabel(plan.plan, c.locale), size: plan.text, ...(c.locale ? { locale: c.locale } : {}) });
    }
  }

  const estimate = estimateRequests(
    requests.map((r) => r.request),
    env.model,
    env.pricing,
    { sizes: plans.length, locales: composed.length, variants: n, ...(quality ? { quality } : {}) },
    problems[0],
  );
  return { requests, plans, composed, estimate, warnings, problems, model: env.model };
}

const EDIT_SUFFIX: Readonly<Record<EditMode, string>> = { refine: 'refined', inpaint: 'inpainted', redesign: 'redesigned' };

function editProblems(edit: EditInput, info: ReturnType<typeof readImageInfo>): string[] {
  const problems: string[] = [];
  if (edit.mode === 'inpaint' && !edit.mask) problems.push('An inpaint needs a mask: paint the region to change.');
  if (edit.mask && info) {
    const problem = maskProblem(edit.mask.bytes, info);
    if (problem) problems.push(isPaintedMask(edit.mask) ? problem : `${edit.mask.file}: ${problem}`);
  }
  for (const reference of edit.references ?? []) {
    if (!isReadableImage(reference)) problems.push(`The reference ${reference.file} is not a PNG or JPEG image that can be read.`);
  }
  return problems;
}

/** A PNG or JPEG whose header can be read (what the edits endpoint takes as an input image). */
function isReadableImage(file: InputFile): boolean {
  const info = readImageInfo(file.bytes);
  return info !== undefined && info.contentType !== 'image/webp';
}

/** An edit at the edited image's own size (exact, when the model can make it). */
function ownSizePlan(info: { width: number; height: number }, model: ModelFamily): TargetPlan {
  const text = `${info.width}x${info.height}`;
  try {
    const plan = planSize(pixelTarget(info.width, info.height), model);
    return { text, ok: true, plan, info: planInfo(text, plan) };
  } catch (error) {
    if (error instanceof TargetError) return { text, ok: false, problem: error.message };
    throw error;
  }
}

/** What a redesign asks of the service before the user's words. */
function redesignLead(withDesignSystem: boolean): string {
  return withDesignSystem
    ? 'Redesign the screen in the image: keep its content, structure and text, and give it the look of the design system below.'
    : 'Redesign the screen in the image: keep its content, structure and text, and restyle it as described.';
}

function parentContext(parent: ParentSidecar | undefined): string | undefined {
  const typed = parent?.prompt?.typed;
  return typeof typed === 'string' && typed.trim() ? typed : undefined;
}

function templateOf(parent: ParentSidecar | undefined): MockupRequest['template'] {
  const template = parent?.prompt?.template;
  if (!template || typeof template.id !== 'string' || typeof template.fields !== 'object' || template.fields === null) return undefined;
  return { id: template.id, fields: Object.fromEntries(Object.entries(template.fields).filter(([, v]) => typeof v === 'string')) };
}

function requestLabel(plan: SizePlan, locale: string | undefined): string {
  const target = plan.target;
  const size = target === 'auto' ? 'auto' : `${formatSize(target)}${target.presetId ? ` (${target.presetId})` : ''}`;
  return `${size}${locale ? ` · ${locale}` : ''}`;
}
