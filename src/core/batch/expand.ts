/**
 * Expands a checked batch file into jobs: asset x size x locale x variant, in that order.
 *
 * One job = one request for ONE image (n = 1), one variant each. Why not one request with `n`:
 * each image then has its own fingerprint, sidecar and report line, so a rerun resends only the
 * variants that are missing; a 429 or a failure costs one image, not n; the `{variant}` of the
 * output pattern names exactly one file; and gpt-image-2's `n` limit on Foundry is undocumented.
 * The variant number is part of the job's fingerprint (MockupRequest.variant), so the variants of
 * one prompt are distinct jobs.
 *
 * Job ids (`asset/size/locale/vN`) and their order are deterministic; `--shard i/n` partitions
 * the ids by a stable hash (shardOf), independent of order and of the other jobs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileNameProblem } from '../assets/naming';
import { isInside, PathOutsideRootError, resolveIn, type PathPurpose } from '../assets/paths';
import { composePrompt } from '../prompts/compose';
import { findLocale } from '../prompts/locales';
import { parseStyleGuide, type StyleGuide } from '../prompts/styleGuide';
import type { SizePlan } from '../sizes/planner';
import { planTargets, type PresetFinder } from '../generation/targets';
import type { ModelFamily } from '../sizes/rules';
import type { PresetLookup } from '../sizes/target';
import { pointerToken } from '../json';
import { designRecord, type PromptDesign } from '../generation/design';
import { parentFromSidecarText, type ParentSidecar } from '../generation/prepare';
import { sidecarFileName } from '../assets/sidecar';
import { isOneOf, QUALITIES } from '../vocabulary';
import type { Batch, BatchAssetSpec, BatchJob, BatchOptionsSpec, BatchSpec, ProblemSeverity } from './types';

export const BATCH_SUFFIX = '.mockups.json';
/**
 * The most jobs one batch file may make (documented in docs/batch.md). Expansion and estimates stay
 * linear up to it (about 1 s and 200 MB per 100,000 jobs, bench/batchScale.bench.ts); above it the
 * file is refused before any job is made.
 */
export const MAX_BATCH_JOBS = 100_000;
export const PLACEHOLDERS = ['id', 'locale', 'preset', 'width', 'height', 'variant'] as const;

/** What expansion needs from outside: injected so the core stays testable without a file system. */
export interface BatchEnvironment {
  /** Absolute path of the batch file. */
  readonly batchFile: string;
  /** The workspace folder (the CLI: the working folder). Outputs and inputs must stay inside. */
  readonly root: string;
  readonly model: ModelFamily;
  readonly presets?: PresetLookup;
  readonly fileExists: (absolutePath: string) => boolean;
  /** The text of a small file (style guides), or undefined when it cannot be read. */
  readonly readText: (absolutePath: string) => string | undefined;
  /**
   * The workspace's design system, sent with every prompt (as in Generate Mockup and the CLI's
   * generate) unless an asset names its own style guide or sets `"designSystem": false`.
   */
  readonly designSystem?: PromptDesign | StyleGuide;
  /** Where originals go (MockupRequest.companionFolder); absent: beside the image. */
  readonly companionFolder?: string;
}

/** The local file system's answers for `fileExists` and `readText`, for the extension and the CLI. */
export const localFiles: Pick<BatchEnvironment, 'fileExists' | 'readText'> = {
  fileExists: (absolutePath) => {
    try {
      return statSync(absolutePath).isFile();
    } catch {
      return false;
    }
  },
  readText: (absolutePath) => {
    try {
      return readFileSync(absolutePath, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export type Report = (pointer: string, severity: ProblemSeverity, message: string) => void;

/**
 * The number of jobs a (schema-valid) batch makes at most, counted without making them: sizes x
 * locales x variants of each asset. Stops counting once past `stopAbove`, naming the asset (index)
 * where the total crossed it.
 */
export function countJobs(spec: BatchSpec, stopAbove = Infinity): { total: number; crossedAt: number } {
  let total = 0;
  const batchLocales = Object.keys(spec.locales ?? {}).length;
  for (const [index, asset] of spec.assets.entries()) {
    const locales = Math.max(1, asset.locales?.length ?? batchLocales);
    const variants = asset.variants ?? asset.options?.variants ?? spec.defaults?.variants ?? 1;
    total += asset.sizes.length * locales * variants;
    if (total > stopAbove) return { total, crossedAt: index };
  }
  return { total, crossedAt: spec.assets.length - 1 };
}

export function batchName(batchFile: string): string {
  const base = path.basename(batchFile);
  return base.toLowerCase().endsWith(BATCH_SUFFIX) ? base.slice(0, -BATCH_SUFFIX.length) || 'batch' : base.replace(/\.json$/i, '') || 'batch';
}

function slash(p: string): string {
  return p.split(path.sep).join('/');
}

/** Expands `spec` (already valid against the schema); every semantic problem goes to `report`. */
export function expandBatch(spec: BatchSpec, env: BatchEnvironment, report: Report): Batch {
  const batchDir = path.dirname(env.batchFile);
  const name = batchName(env.batchFile);
  const outputSpec = spec.output ?? `mockups/${name}`;
  /** Why `absolute` cannot be used (outside the root, also through a symbolic link; for writes, inside .git/ or node_modules/). */
  const pathProblem = (absolute: string, purpose: PathPurpose, what: string): string | undefined => {
    try {
      resolveIn(env.root, absolute, purpose);
      return undefined;
    } catch (error) {
      if (error instanceof PathOutsideRootError) {
        const through = isInside(env.root, absolute) ? ' (a symbolic link leads there)' : '';
        return `The ${what} is outside the workspace folder${through}: choose one inside it.`;
      }
      return `The ${what}: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  let outputRoot = path.resolve(batchDir, outputSpec).normalize('NFC');
  const outputProblem = pathProblem(outputRoot, 'write', `output folder "${outputSpec}"`);
  if (outputProblem) {
    report('/output', 'error', outputProblem);
    outputRoot = path.resolve(env.root, 'mockups', name);
  }
  /** Output folders already checked (the same few folders recur in every job), with their problem. */
  const checkedFolders = new Map<string, string | undefined>([[outputRoot, undefined]]);
  const reportedFolders = new Set<string>();
  const folderProblem = (folder: string): string | undefined => {
    if (!checkedFolders.has(folder)) checkedFolders.set(folder, pathProblem(folder, 'write', `output folder "${slash(path.relative(env.root, folder))}"`));
    return checkedFolders.get(folder);
  };

  const jobs: BatchJob[] = [];
  const seenIds = new Map<string, number>();
  const styleGuides = new Map<string, StyleGuide | undefined>();
  /** Lower-cased output path -> the job and pattern pointer that claimed it. */
  const claimed = new Map<string, { job: BatchJob; pointer: string }>();
  const reportedCollisions = new Set<string>();
  /** Plans by size text and options: the same sizes recur in every asset, and planning is the costly part. */
  const plans = new Map<string, SizePlan | Error>();
  const catalogue: PresetFinder = { find: (id) => env.presets?.(id) };

  const loadStyleGuide = (file: string, pointer: string): StyleGuide | undefined => {
    const absolute = path.resolve(batchDir, file);
    if (styleGuides.has(absolute)) return styleGuides.get(absolute);
    let guide: StyleGuide | undefined;
    const problem = pathProblem(absolute, 'read', `style guide "${file}"`);
    if (problem) {
      report(pointer, 'error', problem);
    } else if (!env.fileExists(absolute)) {
      report(pointer, 'error', `The style guide "${file}" does not exist (looked for ${slash(path.relative(env.root, absolute))}).`);
    } else {
      const text = env.readText(absolute);
      if (text === undefined) {
        report(pointer, 'error', `The style guide "${file}" could not be read.`);
      } else {
        try {
          guide = parseStyleGuide(text, slash(path.relative(env.root, absolute)));
          for (const warning of guide.warnings) report(pointer, 'warning', warning);
        } catch (error) {
          report(pointer, 'error', error instanceof Error ? error.message : String(error));
        }
      }
    }
    styleGuides.set(absolute, guide);
    return guide;
  };

  const inputFile = (file: string, pointer: string, what: string): string | undefined => {
    const absolute = path.resolve(batchDir, file);
    const problem = pathProblem(absolute, 'read', `${what} "${file}"`);
    if (problem) {
      report(pointer, 'error', problem);
      return undefined;
    }
    if (!env.fileExists(absolute)) {
      report(pointer, 'error', `The ${what} "${file}" does not exist (looked for ${slash(path.relative(env.root, absolute))}).`);
      return undefined;
    }
    return absolute;
  };

  // Batch-level locales.
  for (const tag of Object.keys(spec.locales ?? {})) {
    if (!findLocale(tag)) report(`/locales/${pointerToken(tag)}`, 'error', unknownLocale(tag));
  }

  // Anchors: an asset id of this batch (its first job is the anchor), else an image file.
  const assetIds = new Map(spec.assets.map((asset) => [asset.id.toLowerCase(), asset.id]));
  const assetIndex = new Map(spec.assets.map((asset, index) => [asset.id, index]));
  const anchorAt = (asset: BatchAssetSpec, a: number): { value: string; pointer: string } | undefined => {
    if (asset.anchor === false) return undefined;
    if (asset.anchor !== undefined) return { value: asset.anchor, pointer: `/assets/${a}/anchor` };
    return spec.anchor !== undefined ? { value: spec.anchor, pointer: '/anchor' } : undefined;
  };
  /** The asset id an asset's anchor names, if it names one. */
  const anchorAsset = (asset: BatchAssetSpec, a: number): string | undefined => {
    const at = anchorAt(asset, a);
    return at ? assetIds.get(at.value.trim().toLowerCase()) : undefined;
  };
  const anchorFiles = new Map<string, string | undefined>();
  /** Jobs anchored to another job, with the asset that job is the first of: resolved once every asset is expanded. */
  const anchoredToAsset: Array<{ index: number; assetId: string; pointer: string }> = [];
  const firstJobOf = new Map<string, BatchJob>();

  spec.assets.forEach((asset, a) => {
    const at = `/assets/${a}`;
    const previous = seenIds.get(asset.id.toLowerCase());
    if (previous !== undefined) {
      report(`${at}/id`, 'error', `The asset id "${asset.id}" is used twice (also by asset ${previous + 1}): ids name the files and the report lines, so they must be unique.`);
      return;
    }
    seenIds.set(asset.id.toLowerCase(), a);

    const option = <K extends keyof BatchOptionsSpec>(key: K): { value: BatchOptionsSpec[K]; pointer: string } | undefined => {
      if (asset.options?.[key] !== undefined) return { value: asset.options[key], pointer: `${at}/options/${key}` };
      if (spec.defaults?.[key] !== undefined) return { value: spec.defaults[key], pointer: `/defaults/${key}` };
      return undefined;
    };
    const format = option('format')?.value ?? 'png';
    const compression = option('compression');
    if (compression && format !== 'jpeg') report(compression.pointer, 'error', 'compression applies only to jpeg output: set "format": "jpeg" or remove it.');
    const background = option('background');
    if (background?.value === 'transparent' && format !== 'png') report(background.pointer, 'error', 'A transparent background needs png output.');
    const variantsAt = asset.variants !== undefined ? { value: asset.variants, pointer: `${at}/variants` } : option('variants');
    const variants = variantsAt?.value ?? 1;
    const fit = option('fit')?.value;
    const padColor = option('padColor')?.value;
    const styleGuideAt = option('styleGuide');
    const styleGuide = styleGuideAt?.value ? loadStyleGuide(styleGuideAt.value, styleGuideAt.pointer) : undefined;
    const outputOption = option('output');
    const patternAt: { value: string; pointer: string } | undefined =
      asset.output !== undefined ? { value: asset.output, pointer: `${at}/output` } : outputOption?.value !== undefined ? { value: outputOption.value, pointer: outputOption.pointer } : undefined;
    if (patternAt) checkPlaceholders(patternAt.value, patternAt.pointer, report);

    // Edit inputs.
    let edit: BatchJob['edit'];
    if (asset.edit) {
      const image = inputFile(asset.edit.image, `${at}/edit/image`, 'image to edit');
      const references = (asset.edit.references ?? []).map((r, k) => inputFile(r, `${at}/edit/references/${k}`, 'reference image'));
      const mask = asset.edit.mask !== undefined ? inputFile(asset.edit.mask, `${at}/edit/mask`, 'mask') : undefined;
      if (image && references.every((r) => r !== undefined) && (asset.edit.mask === undefined || mask)) {
        edit = { image, references: references, ...(mask ? { mask } : {}) };
      }
    }
    // An edit keeps its context: the edited image's sidecar (when it has one) gives what the image
    // shows, sent after the change, and its quality, as Refine Image does.
    const parentSidecar = edit ? path.join(path.dirname(edit.image), sidecarFileName(path.basename(edit.image))) : undefined;
    const sidecarText = parentSidecar && env.fileExists(parentSidecar) && !pathProblem(parentSidecar, 'read', 'sidecar') ? env.readText(parentSidecar) : undefined;
    const parent: ParentSidecar | undefined = sidecarText !== undefined ? parentFromSidecarText(sidecarText) : undefined;
    const parentTyped = parent?.prompt?.typed?.trim();

    // The anchor: another asset's first job (this job waits for it), this asset's own first job, or a file.
    const anchorSpec = anchorAt(asset, a);
    const anchorId = anchorAsset(asset, a);
    let anchorFile: string | undefined;
    let anchorOk = true;
    if (anchorSpec && anchorId === undefined) {
      if (!anchorFiles.has(anchorSpec.value)) {
        // A word without a dot or a slash was meant as an asset id.
        const looksLikeFile = /[./\\]/.test(anchorSpec.value);
        if (!looksLikeFile) report(anchorSpec.pointer, 'error', `The anchor "${anchorSpec.value}" is neither an asset id of this batch (${[...assetIds.values()].slice(0, 5).join(', ')}) nor an image file.`);
        anchorFiles.set(anchorSpec.value, looksLikeFile ? inputFile(anchorSpec.value, anchorSpec.pointer, 'anchor image') : undefined);
      }
      anchorFile = anchorFiles.get(anchorSpec.value);
      anchorOk = anchorFile !== undefined;
    }
    if (anchorSpec && anchorId !== undefined && anchorId !== asset.id) {
      const other = assetIndex.get(anchorId) ?? -1;
      const chained = other >= 0 ? anchorAsset(spec.assets[other], other) : undefined;
      if (chained !== undefined && chained !== anchorId) {
        report(anchorSpec.pointer, 'error', `The anchor "${anchorId}" has an anchor of its own ("${chained}"): an anchor is made first, from its prompt alone. Name "${chained}" here, or set "anchor": false on "${anchorId}".`);
        anchorOk = false;
      }
    }
    if (!anchorOk) return;

    // Locales.
    const localeTags = asset.locales ?? Object.keys(spec.locales ?? {});
    const locales: Array<{ tag: string; strings: readonly string[]; direction: 'ltr' | 'rtl' } | undefined> = [];
    const seenLocales = new Set<string>();
    localeTags.forEach((tag, k) => {
      const locale = findLocale(tag);
      if (!locale) {
        if (asset.locales) report(`${at}/locales/${k}`, 'error', unknownLocale(tag));
        return;
      }
      if (seenLocales.has(locale.tag)) {
        if (asset.locales) report(`${at}/locales/${k}`, 'warning', `The locale "${tag}" is listed twice; it is made once.`);
        return;
      }
      seenLocales.add(locale.tag);
      const entry = spec.locales?.[tag] ?? Object.entries(spec.locales ?? {}).find(([t]) => findLocale(t)?.tag === locale.tag)?.[1];
      locales.push({ tag: locale.tag, strings: entry?.strings ?? [], direction: locale.direction });
    });
    if (localeTags.length === 0) locales.push(undefined);

    // The design system: the asset's own style guide, else the workspace's (unless turned off).
    const design: PromptDesign | StyleGuide | undefined = styleGuide ?? (option('designSystem')?.value === false ? undefined : env.designSystem);
    const designSystem = designRecord(design);

    // Prompts per locale, with and without the anchor's instruction (fails once per asset, not once per job).
    const prompts = new Map<string, { typed: string; sent: string }>();
    let promptFailed = false;
    const anchoredKinds = anchorSpec ? (anchorId === asset.id ? [false, true] : [true]) : [false];
    // When every locale was unknown, the prompt is still checked once (no jobs are made).
    for (const locale of locales.length ? locales : [undefined]) {
      const found = locale ? findLocale(locale.tag) : undefined;
      try {
        for (const anchored of anchoredKinds) {
          const composed = composePrompt({
            ...(asset.prompt !== undefined ? { text: asset.prompt } : {}),
            ...(asset.template ? { template: { id: asset.template.id, fields: asset.template.fields ?? {} } } : {}),
            ...(design ? { styleGuide: design } : {}),
            ...(found ? { locale: found } : {}),
            ...(locale ? { verbatim: locale.strings } : {}),
            ...(anchored ? { anchored } : {}),
            ...(parentTyped ? { context: parentTyped } : {}),
          });
          prompts.set(`${locale?.tag ?? ''}\u0000${anchored}`, { typed: composed.typed, sent: composed.sent });
        }
      } catch (error) {
        report(asset.template ? `${at}/template` : `${at}/prompt`, 'error', error instanceof Error ? error.message : String(error));
        promptFailed = true;
        break;
      }
    }

    // What every job of the asset shares, made once (100,000 jobs are 100,000 objects already).
    const inherited = parent?.request?.quality;
    const quality = option('quality')?.value ?? (isOneOf(QUALITIES, inherited) ? inherited : undefined);
    const moderation = option('moderation')?.value;
    const assetFields: Partial<BatchJob> & Pick<BatchJob, 'format'> = {
      ...(asset.template ? { template: { id: asset.template.id, fields: asset.template.fields ?? {} } } : {}),
      ...(design ? { styleGuide: design.file } : {}),
      ...(designSystem ? { designSystem } : {}),
      ...(anchorFile ? { anchor: { file: anchorFile } } : {}),
      ...(quality ? { quality } : {}),
      format,
      ...(compression ? { compression: compression.value } : {}),
      ...(background ? { background: background.value } : {}),
      ...(moderation ? { moderation } : {}),
      ...(edit ? { edit } : {}),
    };

    const seenSizes = new Set<string>();
    asset.sizes.forEach((sizeText, s) => {
      const sizeAt = `${at}/sizes/${s}`;
      if (seenSizes.has(sizeText.trim().toLowerCase())) {
        report(sizeAt, 'error', `The size "${sizeText}" is listed twice for asset "${asset.id}".`);
        return;
      }
      seenSizes.add(sizeText.trim().toLowerCase());
      const planKey = `${sizeText.trim()}\u0000${fit ?? ''}\u0000${padColor ?? ''}`;
      let plan = plans.get(planKey);
      if (!plan) {
        try {
          // The one planning step of the use case (one preset lookup, the preset's fit and padding).
          const [planned] = planTargets([sizeText], catalogue, env.model, fit, padColor);
          plan = planned?.ok ? planned.plan : new Error(planned?.problem ?? `"${sizeText}" cannot be planned.`);
        } catch (error) {
          plan = error instanceof Error ? error : new Error(String(error));
        }
        plans.set(planKey, plan);
      }
      if (plan instanceof Error) {
        report(sizeAt, 'error', /neither a size .* nor a known preset id/.test(plan.message) ? `Unknown preset id: ${plan.message}` : plan.message);
        return;
      }
      for (const warning of plan.warnings) report(sizeAt, 'warning', warning);
      if (promptFailed) return;

      for (const locale of locales) {
        for (let variant = 1; variant <= variants; variant++) {
          // The asset's first job is its own set's anchor: made from its prompt alone.
          const anchoredToJob = anchorId !== undefined && !(anchorId === asset.id && !firstJobOf.has(asset.id));
          const prompt = prompts.get(`${locale?.tag ?? ''}\u0000${anchorSpec !== undefined && (anchorFile !== undefined || anchoredToJob)}`);
          if (!prompt) continue;
          const target = plan.target;
          const presetToken = target === 'auto' ? 'auto' : target.presetId ? sizeText.trim() : `${target.width}x${target.height}`;
          const values: Record<(typeof PLACEHOLDERS)[number], string> = {
            id: asset.id,
            locale: locale?.tag ?? '',
            preset: presetToken,
            width: target === 'auto' ? 'auto' : String(target.width),
            height: target === 'auto' ? 'auto' : String(target.height),
            variant: String(variant),
          };
          const pattern = patternAt?.value ?? defaultPattern(Boolean(locale), variants);
          const output = expandPattern(pattern, values);
          const patternPointer = patternAt?.pointer ?? `${at}/id`;
          const resolved = checkOutput(output.normalize('NFC'), outputRoot, env.root, patternPointer, patternAt?.value ?? '(the default pattern)', report);
          if (!resolved) return;
          const problem = resolved.folder === outputRoot ? undefined : folderProblem(resolved.folder);
          if (problem) {
            // Once per folder: 100,000 jobs into one refused folder are one problem.
            if (!reportedFolders.has(resolved.folder)) report(patternPointer, 'error', `The output pattern ${patternAt?.value ?? ''} gives "${resolved.relative}": ${problem}`);
            reportedFolders.add(resolved.folder);
            return;
          }
          const job: BatchJob = {
            id: `${asset.id}/${sizeText.trim()}/${locale?.tag ?? '-'}/v${variant}`,
            index: jobs.length,
            assetId: asset.id,
            size: sizeText.trim(),
            ...(locale ? { locale: locale.tag, direction: locale.direction } : {}),
            variant,
            variants,
            plan,
            promptTyped: prompt.typed,
            promptSent: prompt.sent,
            ...assetFields,
            output: resolved,
          };
          const key = job.output.relative.toLowerCase();
          const other = claimed.get(key);
          if (other) {
            const pair = `${other.job.assetId}\u0000${asset.id}`;
            if (!reportedCollisions.has(pair)) {
              reportedCollisions.add(pair);
              const message = `The output pattern gives "${job.output.relative}" for both ${other.job.id} and ${job.id}: add {preset}, {locale} or {variant} so that every image gets its own name.`;
              report(patternPointer, 'error', message);
              if (other.pointer !== patternPointer) report(other.pointer, 'error', message);
            }
            return;
          }
          claimed.set(key, { job, pointer: patternPointer });
          jobs.push(job);
          if (!firstJobOf.has(asset.id)) firstJobOf.set(asset.id, job);
          if (anchoredToJob && anchorSpec) anchoredToAsset.push({ index: jobs.length - 1, assetId: anchorId, pointer: anchorSpec.pointer });
        }
      }
    });
  });

  // Jobs anchored to an asset's first job name that job (known now that every asset is expanded).
  const unresolved = new Set<string>();
  for (const { index, assetId, pointer } of anchoredToAsset) {
    const anchor = firstJobOf.get(assetId);
    if (anchor && anchor !== jobs[index]) jobs[index] = { ...jobs[index], anchor: { job: anchor.id } };
    else if (!anchor && !unresolved.has(`${pointer}\u0000${assetId}`)) {
      unresolved.add(`${pointer}\u0000${assetId}`);
      report(pointer, 'error', `The anchor "${assetId}" makes no image (its sizes or prompt have problems), so the jobs anchored to it cannot be made.`);
    }
  }

  return {
    root: env.root,
    name,
    file: env.batchFile,
    fileRelative: slash(path.relative(env.root, env.batchFile)) || path.basename(env.batchFile),
    outputRoot,
    outputRootRelative: slash(path.relative(env.root, outputRoot)) || '.',
    assetCount: spec.assets.length,
    jobs,
    ...(env.companionFolder ? { companionFolder: env.companionFolder } : {}),
  };
}

function unknownLocale(tag: string): string {
  return `Unknown locale "${tag}": use en, ja, ko, zh-Hans, zh-Hant, hi, bn, ar, he, es, de, fr, pt-BR or it.`;
}

/** `{id}-{preset}[-{locale}][-v{variant}]`: the parts that apply. */
export function defaultPattern(hasLocale: boolean, variants: number): string {
  return `{id}-{preset}${hasLocale ? '-{locale}' : ''}${variants > 1 ? '-v{variant}' : ''}`;
}

function checkPlaceholders(pattern: string, pointer: string, report: Report): void {
  for (const match of pattern.matchAll(/\{([^{}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1])) {
      report(pointer, 'error', `Unknown placeholder {${match[1]}} in the output pattern: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`);
    }
  }
}

/**
 * Fills a pattern. Values cannot add folders (separators in them become "-"); the pattern's own
 * "/" makes sub-folders. Empty values take their separators with them: `{id}-{locale}` without a
 * locale gives `{id}`.
 */
export function expandPattern(pattern: string, values: Readonly<Record<string, string>>): string {
  const filled = pattern.replace(/\{([^{}]*)\}/g, (_, key: string) => (values[key] ?? '').replace(/[/\\]+/g, '-').replace(/[^\p{L}\p{N}._@-]+/gu, '-'));
  return filled
    .split(/[/\\]/)
    .map((segment) => (segment === '..' || segment === '.' ? segment : segment.replace(/([-_. ])[-_. ]+/g, '$1').replace(/^[-_ ]+|[-_. ]+$/g, '')))
    .join('/');
}

function checkOutput(relative: string, outputRoot: string, root: string, pointer: string, pattern: string, report: Report): BatchJob['output'] | undefined {
  // The common case, a plain file name right in the output folder: no path to resolve.
  if (relative !== '' && !/[/\\]/.test(relative) && relative !== '.' && relative !== '..') {
    const problem = fileNameProblem(relative);
    if (problem) {
      report(pointer, 'error', `The output pattern ${pattern} gives an unusable file name: ${problem}`);
      return undefined;
    }
    return { folder: outputRoot, baseName: relative, relative };
  }
  const absolute = path.resolve(outputRoot, relative);
  if (!isInside(root, absolute) || !isInside(outputRoot, absolute)) {
    report(pointer, 'error', `The output pattern ${pattern} gives "${relative}", which escapes the output folder: file names must stay inside it (no "..", no absolute paths).`);
    return undefined;
  }
  const baseName = path.basename(absolute);
  const problem = relative.split('/').map((segment) => fileNameProblem(segment)).find(Boolean);
  if (problem || relative === '') {
    report(pointer, 'error', `The output pattern ${pattern} gives an unusable file name: ${problem ?? 'it is empty.'}`);
    return undefined;
  }
  return { folder: path.dirname(absolute), baseName, relative: slash(path.relative(outputRoot, absolute)) };
}

/** Which of `count` shards a job belongs to (0-based): a stable hash of its id. */
export function shardOf(jobId: string, count: number): number {
  const hash = createHash('sha256').update(jobId, 'utf8').digest();
  return hash.readUInt32BE(0) % count;
}

export interface Shard {
  /** 1-based, as written in `--shard 2/3`. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 1 || index > count || count > 1000) {
    throw new Error(`"${text}" is not a shard: use i/n with 1 <= i <= n, such as 1/3.`);
  }
  return { index, count };
}

export function jobsOfShard(jobs: readonly BatchJob[], shard: Shard | undefined): BatchJob[] {
  if (!shard || shard.count === 1) return [...jobs];
  return jobs.filter((job) => shardOf(job.id, shard.count) === shard.index - 1);
}

export type { BatchAssetSpec };
