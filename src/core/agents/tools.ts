/**
 * The four agent tools over the one use case (src/core/generation), with no surface in them: the
 * VS Code language model tools, the MCP server and the @mockups chat participant each hand in an
 * AgentHost (workspace roots, environment, connection) and adapt the AgentOutcome to their own parts.
 * Input (untrusted) -> GenerationInput through the core's one path resolver, inside the workspace
 * roots only; plans, estimates, prompts and warnings are the use case's; results name the
 * workspace-relative files with their sizes, cost and request ids, with small previews.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInside, PathOutsideRootError, resolveInRoots, type ResolvedPath } from '../assets/paths';
import { sidecarFileName } from '../assets/sidecar';
import type { FoundryClient } from '../foundry';
import { FoundryError, isFoundryError } from '../foundry';
import {
  type EditInput,
  failureText,
  type GenerationEnv,
  type GenerationEvent,
  type GenerationInput,
  type InputFile,
  parentFromSidecarText,
  type PreparedGeneration,
  planTargets,
  prepareGeneration,
  runGeneration,
  type ConnectionInfo,
  type WrittenMockup,
} from '../generation';
import { formatUsd, type Pricing } from '../pricing';
import { MAX_INPUT_IMAGE_BYTES, MAX_MASK_BYTES, type ModelFamily } from '../vocabulary';
import { findMockups, type FoundMockup } from './find';
import { type AgentPreview, previewsOf } from './preview';
import {
  agentTool,
  type AgentToolName,
  AgentInputError,
  FindMockupsInput,
  GenerateMockupInput,
  parseToolInput,
  PlanSizesInput,
  RefineMockupInput,
} from './schemas';

/** What a surface hands the tools: where the workspace is, how to prepare, how to connect. */
export interface AgentHost {
  /** The workspace roots (absolute); relative paths are taken from the first. */
  roots(): Promise<readonly string[]>;
  /** The default output folder, relative to the workspace root. */
  outputFolder(): string;
  /** The model family to plan and estimate for before connecting (the configured one). */
  model(): ModelFamily;
  /** The environment to prepare in: presets, prices and style guide, for `model`. */
  env(model: ModelFamily): Promise<GenerationEnv>;
  /** A connection for sending; throws with a message naming what to configure. */
  connect(): Promise<AgentConnection>;
  readonly toolVersion: string;
}

export interface AgentConnection {
  readonly client: FoundryClient;
  readonly info: ConnectionInfo;
  readonly pricing: Pricing;
  readonly model: ModelFamily;
}

export interface AgentFile {
  /** Workspace-relative, forward slashes. */
  readonly path: string;
  readonly absolute: string;
  readonly width?: number;
  readonly height?: number;
  readonly format?: string;
  readonly bytes?: number;
  readonly costUsd?: number;
  readonly requestId?: string;
  readonly locale?: string;
  readonly sidecar: string;
  readonly original?: string;
}

/** What a tool call produced, for every surface: one text, the files, their previews. */
export interface AgentOutcome {
  readonly tool: AgentToolName;
  readonly text: string;
  readonly isError: boolean;
  /** Images written (generate, refine) or found (find). */
  readonly files: readonly AgentFile[];
  readonly previews: readonly AgentPreview[];
  readonly costUsd?: number;
  readonly requestIds: readonly string[];
  /** The call was cancelled: nothing of the request in flight was written. */
  readonly cancelled?: boolean;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: GenerationEvent) => void;
}

/** A paid call, prepared: what will be sent and what it will cost, nothing sent yet. */
export interface PreparedCall {
  readonly tool: 'generate_mockup' | 'refine_mockup';
  readonly prepared: PreparedGeneration;
  readonly roots: readonly string[];
  readonly folder: ResolvedPath;
}

// ---------------------------------------------------------------------------------------------
// Preparing

/** Agents get a preview of the finished image; streamed partial images would be paid for and never seen. */
const NO_STREAMED_PREVIEWS = 0;

/** Parses a paid tool's input and prepares it (nothing is sent): the estimate, plans, warnings, problems. */
export async function prepareCall(tool: 'generate_mockup' | 'refine_mockup', rawInput: unknown, host: AgentHost, model: ModelFamily = host.model()): Promise<PreparedCall> {
  const roots = await host.roots();
  const { input, folder } = tool === 'generate_mockup' ? await generateInput(parseToolInput(GenerateMockupInput, rawInput), roots, host) : await refineInput(parseToolInput(RefineMockupInput, rawInput), roots);
  return { tool, prepared: prepareGeneration(input, await host.env(model)), roots, folder };
}

async function generateInput(input: GenerateMockupInput, roots: readonly string[], host: AgentHost): Promise<{ input: GenerationInput; folder: ResolvedPath }> {
  const folder = resolveInRoots(roots, input.folder ?? host.outputFolder(), 'write');
  // The set's anchor is read like refine's image: through the resolver, inside the workspace only.
  const anchor = input.anchor ? await readAnchor(roots, input.anchor) : undefined;
  return {
    folder,
    input: {
      ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
      ...(input.template ? { template: input.template } : {}),
      ...(input.sizes ? { sizes: input.sizes } : {}),
      ...(input.locales ? { locales: input.locales } : {}),
      ...(input.quality ? { quality: input.quality } : {}),
      ...(input.variants !== undefined ? { n: input.variants } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.background ? { background: input.background } : {}),
      ...(input.fit ? { fit: input.fit } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...(anchor ? { anchor: anchor.file } : {}),
      folder: folder.absolute,
      folderRelative: folder.relative,
      partialImages: NO_STREAMED_PREVIEWS,
    },
  };
}

async function refineInput(input: RefineMockupInput, roots: readonly string[]): Promise<{ input: GenerationInput; folder: ResolvedPath }> {
  const image = await readInput(roots, input.image, MAX_INPUT_IMAGE_BYTES);
  const mask = input.mask ? await readInput(roots, input.mask, MAX_MASK_BYTES) : undefined;
  const references = await Promise.all((input.references ?? []).map((r) => readInput(roots, r, MAX_INPUT_IMAGE_BYTES)));
  const parent = await parentOf(image.absolute);
  const edit: EditInput = {
    mode: mask ? 'inpaint' : 'refine',
    image: image.file,
    ...(references.length ? { references: references.map((r) => r.file) } : {}),
    ...(mask ? { mask: mask.file } : {}),
    ...(parent ? { parent } : {}),
  };
  // The result goes beside the image.
  const folder = resolveInRoots(roots, path.dirname(image.absolute), 'write');
  return {
    folder,
    input: {
      prompt: input.change,
      ...(input.sizes ? { sizes: input.sizes } : {}),
      ...(input.quality ? { quality: input.quality } : {}),
      ...(input.variants !== undefined ? { n: input.variants } : {}),
      ...(input.name ? { name: input.name } : {}),
      folder: folder.absolute,
      folderRelative: folder.relative,
      partialImages: NO_STREAMED_PREVIEWS,
      edit,
    },
  };
}

/** A workspace image read through the resolver (links leading outside are refused), within `maxBytes`. */
async function readInput(roots: readonly string[], requested: string, maxBytes: number): Promise<{ absolute: string; file: InputFile }> {
  const where = resolveInRoots(roots, requested, 'read');
  if (!/\.(png|jpe?g)$/i.test(where.absolute)) throw new AgentInputError(`${requested} is not a PNG or JPEG image: use a png, jpg or jpeg file of the workspace.`);
  let size: number;
  try {
    size = (await fs.stat(where.absolute)).size;
  } catch {
    throw new AgentInputError(`${where.relative || requested} does not exist in the workspace: give a path relative to the workspace root (find_mockups lists the mockups).`);
  }
  if (size > maxBytes) throw new AgentInputError(`${where.relative} is ${(size / 1048576).toFixed(1)} MB; the service takes at most ${maxBytes / 1048576} MB.`);
  return { absolute: where.absolute, file: { bytes: await fs.readFile(where.absolute), file: where.relative } };
}

/** The set's anchor, read as refine's image is; a refusal names the field. */
async function readAnchor(roots: readonly string[], requested: string): Promise<{ absolute: string; file: InputFile }> {
  try {
    return await readInput(roots, requested, MAX_INPUT_IMAGE_BYTES);
  } catch (error) {
    if (error instanceof PathOutsideRootError) throw new AgentInputError(`anchor: "${requested}" is outside the workspace (links followed): the anchor must be an image of the workspace, such as the first approved image of the set. Nothing was sent.`);
    throw new AgentInputError(`anchor: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function parentOf(absoluteImage: string): Promise<ReturnType<typeof parentFromSidecarText>> {
  try {
    return parentFromSidecarText(await fs.readFile(sidecarFileName(absoluteImage), 'utf8'));
  } catch {
    return undefined;
  }
}

/** What VS Code's confirmation (and the MCP server's log) says before a paid call: the core's estimate. */
export function confirmationOf(call: PreparedCall): { title: string; message: string } {
  const { prepared, folder } = call;
  const where = folder.relative || '.';
  const anchor = prepared.requests[0]?.request.anchor;
  const lines = [
    prepared.estimate.summary,
    call.tool === 'refine_mockup' ? `The result is written beside the image, in ${where}/.` : `Files are written to ${where}/ in the workspace.`,
    ...(anchor ? [`Every image takes the look of the anchor ${anchor.file}, sent with each request.`] : []),
    ...prepared.plans.flatMap((p) => (p.ok ? [`${p.text}: ${p.info.explanation}`] : [])),
    ...prepared.warnings.map((w) => `Warning: ${w}`),
  ];
  return { title: call.tool === 'refine_mockup' ? 'Refine the mockup with Foundry?' : 'Generate mockups with Foundry?', message: lines.join('\n') };
}

/** A short line for the progress of a paid call (VS Code's invocation message). */
export function invocationMessage(call: PreparedCall): string {
  const { estimate } = call.prepared;
  const what = call.tool === 'refine_mockup' ? 'Refining' : 'Generating';
  return `${what} ${estimate.images} image(s)${estimate.usd !== undefined ? `, about ${formatUsd(estimate.usd)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Running

/** Runs any of the four tools from raw (untrusted) input; failures come back as an outcome with isError. */
export async function invokeAgentTool(name: string, rawInput: unknown, host: AgentHost, options: CallOptions = {}): Promise<AgentOutcome> {
  const spec = agentTool(name);
  if (!spec) throw new AgentInputError(`Unknown tool ${name}.`);
  try {
    switch (spec.name) {
      case 'plan_sizes':
        return await planSizes(rawInput, host);
      case 'find_mockups':
        return await find(rawInput, host);
      case 'generate_mockup':
      case 'refine_mockup': {
        // Parse, resolve and prepare before connecting: an input that cannot be sent needs no connection.
        const first = await prepareCall(spec.name, rawInput, host);
        const problems = problemsOf(first);
        if (problems) throw new FoundryError('validation', problems);
        const connection = await host.connect();
        const call = connection.model === first.prepared.model ? first : await prepareCall(spec.name, rawInput, host, connection.model);
        return await runCall(call, connection, host, options);
      }
    }
  } catch (error) {
    return failed(spec.name, error, [], options.signal);
  }
}

/** Sends a prepared call and writes its files; what was written before a failure is reported with it. */
export async function runCall(call: PreparedCall, connection: AgentConnection, host: AgentHost, options: CallOptions = {}): Promise<AgentOutcome> {
  const written: WrittenMockup[] = [];
  try {
    const result = await runGeneration(
      call.prepared,
      { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: host.toolVersion, ...(options.signal ? { signal: options.signal } : {}) },
      (event) => {
        if (event.type === 'requestDone') written.push(...event.outcome.mockups);
        options.onEvent?.(event);
      },
    );
    const files = filesOf(result.mockups, call.roots);
    const previews = await previewsOf(files);
    return {
      tool: call.tool,
      text: generationText(call.tool, files, result.costUsd, result.requestIds, result.warnings, previews.length),
      isError: false,
      files,
      previews,
      ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
      requestIds: result.requestIds,
    };
  } catch (error) {
    return failed(call.tool, error, filesOf(written, call.roots), options.signal);
  }
}

function failed(tool: AgentToolName, error: unknown, files: AgentFile[], signal: AbortSignal | undefined): AgentOutcome {
  const cancelled = signal?.aborted === true || (isFoundryError(error) && error.kind === 'cancelled') || (error instanceof Error && error.name === 'AbortError');
  const message = cancelled ? 'Cancelled: the request in flight was stopped and nothing of it was written.' : failureText(error);
  const requestId = isFoundryError(error) ? error.requestId : undefined;
  const lines = [message];
  if (files.length > 0) lines.push('', `Written before that (kept):`, ...files.map(fileLine));
  return { tool, text: lines.join('\n'), isError: true, files, previews: [], requestIds: requestId ? [requestId] : [], ...(cancelled ? { cancelled: true } : {}) };
}

function filesOf(mockups: readonly WrittenMockup[], roots: readonly string[]): AgentFile[] {
  return mockups.map((m) => {
    const output = m.sidecar.output;
    const cost = m.sidecar.cost;
    return {
      path: relativeTo(roots, m.file),
      absolute: m.file,
      ...(output.width !== undefined ? { width: output.width } : {}),
      ...(output.height !== undefined ? { height: output.height } : {}),
      ...(output.format ? { format: output.format } : {}),
      ...(output.bytes !== undefined ? { bytes: output.bytes } : {}),
      ...(cost ? { costUsd: cost.usd } : {}),
      ...(m.sidecar.service.requestId ? { requestId: m.sidecar.service.requestId } : {}),
      ...(m.sidecar.prompt.locale ? { locale: m.sidecar.prompt.locale } : {}),
      sidecar: relativeTo(roots, m.sidecarFile),
      ...(m.original ? { original: relativeTo(roots, m.original) } : {}),
    };
  });
}

/** An absolute path inside one of the roots, relative to it with forward slashes. */
export function relativeTo(roots: readonly string[], absolute: string): string {
  const root = roots.find((r) => isInside(path.resolve(r), absolute)) ?? roots[0] ?? '';
  return path.relative(root, absolute).split(path.sep).join('/');
}

function fileLine(file: AgentFile): string {
  const size = file.width && file.height ? `${file.width}x${file.height} px` : 'size unknown';
  const facts = [size, file.format, file.bytes !== undefined ? kilobytes(file.bytes) : undefined, file.locale, file.costUsd !== undefined ? formatUsd(file.costUsd) : undefined, file.requestId ? `request ${file.requestId}` : undefined].filter(Boolean);
  return `- ${file.path} (${facts.join(', ')})${file.original ? `; the service's original kept as ${file.original}` : ''}`;
}

function kilobytes(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function generationText(tool: AgentToolName, files: readonly AgentFile[], costUsd: number | undefined, requestIds: readonly string[], warnings: readonly string[], previews: number): string {
  const verb = tool === 'refine_mockup' ? 'Refined' : 'Generated';
  const lines = [
    `${verb} ${files.length} image(s) in the workspace, ${costUsd !== undefined ? `cost ${formatUsd(costUsd)}` : 'cost unknown'}${requestIds.length ? ` (request id${requestIds.length > 1 ? 's' : ''} ${requestIds.join(', ')})` : ''}:`,
    ...files.map(fileLine),
  ];
  if (warnings.length) lines.push('', 'Warnings:', ...warnings.map((w) => `- ${w}`));
  lines.push('', `Each image has a sidecar <image>.mockup.json beside it with the prompt, settings, cost and lineage.${previews ? ` Previews (at most 512 px) of ${previews === files.length ? 'every image' : `the first ${previews}`} follow.` : ''}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Free tools

async function planSizes(rawInput: unknown, host: AgentHost): Promise<AgentOutcome> {
  const input = parseToolInput(PlanSizesInput, rawInput);
  const model = input.model ?? host.model();
  const env = await host.env(model);
  const plans = planTargets(input.sizes, env.catalogue, model, input.fit);
  const lines = [`Size plans on ${model} (nothing was sent):`];
  for (const plan of plans) {
    if (!plan.ok) {
      lines.push(`- ${plan.text}: cannot be planned: ${plan.problem}`);
      continue;
    }
    const { info } = plan;
    lines.push(`- ${plan.text}: target ${info.target}, generated at ${info.generation} (${info.badge}). ${info.explanation}`);
    for (const warning of info.warnings) lines.push(`  warning: ${warning}`);
  }
  const failedPlans = plans.filter((p) => !p.ok).length;
  return { tool: 'plan_sizes', text: lines.join('\n'), isError: failedPlans === plans.length, files: [], previews: [], requestIds: [] };
}

async function find(rawInput: unknown, host: AgentHost): Promise<AgentOutcome> {
  const input = parseToolInput(FindMockupsInput, rawInput);
  const roots = await host.roots();
  const limit = input.limit ?? 20;
  const { matches, total, scanned } = await findMockups(roots, { ...(input.text ? { text: input.text } : {}), ...(input.size ? { size: input.size } : {}), ...(input.locale ? { locale: input.locale } : {}), ...(input.model ? { model: input.model } : {}) }, limit);
  const lines = [
    matches.length === 0
      ? `No mockup matches among the ${scanned} in the workspace.`
      : `${total} of the ${scanned} mockup(s) in the workspace match${total > matches.length ? `; the newest ${matches.length} are listed` : ''}:`,
  ];
  for (const entry of matches) lines.push(foundLine(entry));
  if (matches.length) lines.push('', 'Each "reuse" object holds generate_mockup inputs that make the same request again (change what you need); pass "path" as image to refine_mockup to edit it.');
  return { tool: 'find_mockups', text: lines.join('\n'), isError: false, files: matches.map((m) => foundFile(m)), previews: [], requestIds: [] };
}

function foundFile(entry: FoundMockup): AgentFile {
  const absolute = path.join(entry.root, ...entry.file.split('/'));
  return {
    path: entry.file,
    absolute,
    ...(entry.width !== undefined ? { width: entry.width } : {}),
    ...(entry.height !== undefined ? { height: entry.height } : {}),
    ...(entry.costUsd !== undefined ? { costUsd: entry.costUsd } : {}),
    ...(entry.requestId ? { requestId: entry.requestId } : {}),
    ...(entry.locale ? { locale: entry.locale } : {}),
    sidecar: entry.sidecarFile,
  };
}

function foundLine(entry: FoundMockup): string {
  // The history's reuse settings as generate_mockup input (no compression field; n is variants).
  const { compression: _compression, n, ...reuse } = entry.reuse;
  const settings = { ...reuse, ...(n !== undefined && n > 1 ? { variants: n } : {}) };
  const facts = [entry.sizeLabel, entry.locale, entry.model, entry.operation === 'edit' && entry.parentFile ? `edited from ${entry.parentFile}` : undefined, entry.createdAt].filter(Boolean);
  return `- ${entry.file} (${facts.join(', ')}) reuse: ${JSON.stringify(settings)}`;
}

/** The refusal of a call that cannot be sent, naming every problem (the use case's words). */
export function problemsOf(call: PreparedCall): string | undefined {
  return call.prepared.problems.length ? call.prepared.problems.join(' ') : undefined;
}
