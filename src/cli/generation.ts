/**
 * What the CLI's generate and edit share around the core use case: checking a flag against the
 * vocabulary, reading input images through the one path resolver, and running a prepared generation with its output (a line per file as each request
 * finishes, or JSON), its retries shown, and a failure as one line with its request id.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PathOutsideRootError, PathRefusedError, resolveIn } from '../core/assets/paths';
import { companionFolderProblem } from '../core/assets/naming';
import { FoundryError } from '../core/foundry';
import { failureText, type GenerationEnv, type InputFile, type PreparedGeneration, type PromptDesign, runGeneration, type WrittenMockup } from '../core/generation';
import type { PresetCatalogue } from '../core/sizes/designSystem';
import { formatUsd } from '../core/pricing';
import { isOneOf } from '../core/vocabulary';
import { type CliConnection, readCatalogue, readDesignSystem, TOOL_VERSION } from './common';
import { type CliIO, EXIT_FAILURE, EXIT_OK, UsageError } from './io';

/** A flag's value, checked against the values it may take. */
export function flagValue<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!isOneOf(allowed, value)) throw new UsageError(`--${flag} "${value}": use ${allowed.join(', ')}.`);
  return value;
}

/** A path of the current folder through the one resolver (links that lead outside refused). */
export function cliPath(io: CliIO, requested: string, purpose: 'read' | 'write' = 'write'): { absolute: string; relative: string } {
  try {
    return resolveIn(io.cwd, requested, purpose);
  } catch (error) {
    if (error instanceof PathOutsideRootError) throw new UsageError(`"${requested}" is outside the current folder: the CLI reads and writes only inside it.`);
    if (error instanceof PathRefusedError) throw new UsageError(error.message);
    throw error;
  }
}

/** A png or jpeg of the current folder to send (an edit's image, mask or references, an anchor), read through the resolver. */
export async function readInputImage(io: CliIO, requested: string, flag: string): Promise<InputFile> {
  let file: { absolute: string; relative: string };
  try {
    file = cliPath(io, requested, 'read');
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
  if (!/\.(png|jpe?g)$/i.test(file.absolute)) throw new UsageError(`${flag} ${requested}: only png and jpeg images can be sent.`);
  try {
    return { bytes: new Uint8Array(await fs.readFile(file.absolute)), file: file.relative };
  } catch (error) {
    throw new UsageError(`${flag} ${requested}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/** The flags that set the use case's environment, shared by generate and edit. */
export const ENV_OPTIONS = {
  presets: { type: 'string' },
  'design-system': { type: 'string' },
  'companion-folder': { type: 'string' },
} as const;

export const ENV_HELP = `  --presets <file>      size presets file (default .vscode/mockups.json in the current folder)
  --design-system <f>   the design system sent with the prompt: DESIGN.md, *.tokens.json, a Tailwind
                        config or CSS file, a style guide, or a folder of them (default: found in
                        the current folder)
  --companion-folder <name>
                        keep the service's originals and masks in this sub-folder of the image's
                        folder (e.g. originals); default: beside the image`;

export type EnvFlags = { readonly presets?: string; readonly 'design-system'?: string; readonly 'companion-folder'?: string };

/** What ENV_OPTIONS set: the presets, the design system sent with every prompt, and where companions go. */
export async function readEnvFlags(io: CliIO, values: EnvFlags): Promise<{ catalogue: PresetCatalogue; designSystem?: PromptDesign; companionFolder?: string }> {
  const companion = values['companion-folder']?.trim() ?? '';
  const problem = companionFolderProblem(companion);
  if (problem) throw new UsageError(`--companion-folder: ${problem}`);
  const [catalogue, designSystem] = [await readCatalogue(io, values.presets), await readDesignSystem(io, values['design-system'])];
  return { catalogue, ...(designSystem ? { designSystem } : {}), ...(companion ? { companionFolder: companion } : {}) };
}

/** The environment the use case prepares in: the model, presets, prices, design system and where companions go. */
export async function cliEnv(io: CliIO, values: EnvFlags, connection: CliConnection): Promise<GenerationEnv> {
  return { model: connection.settings.model, pricing: connection.pricing, ...(await readEnvFlags(io, values)) };
}

/** Refuses what cannot be sent (exit 2), prints the warnings, runs, and prints what was written. */
export async function runPrepared(command: string, prepared: PreparedGeneration, connection: CliConnection, io: CliIO, json: boolean): Promise<number> {
  if (prepared.problems.length > 0) throw new UsageError(prepared.problems.join('\n'));
  for (const warning of prepared.warnings) io.stderr(`warning: ${warning}\n`);
  const written: WrittenMockup[] = [];
  const requestIds: string[] = [];
  let cost = 0;
  try {
    const result = await runGeneration(prepared, { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: TOOL_VERSION, ...(io.signal ? { signal: io.signal } : {}) }, (event) => {
      if (event.type === 'retrying') io.stderr(`${event.message}\n`);
      if (event.type !== 'requestDone') return;
      written.push(...event.outcome.mockups);
      if (event.outcome.requestId) requestIds.push(event.outcome.requestId);
      cost += event.outcome.costUsd ?? 0;
      if (!json) for (const m of event.outcome.mockups) io.stdout(`${path.relative(io.cwd, m.file) || m.file}\n`);
    });
    cost = result.costUsd ?? cost;
  } catch (error) {
    if (!(error instanceof FoundryError)) throw error;
    if (error.kind === 'validation') throw new UsageError(error.message);
    io.stderr(`foundry-mockups ${command}: ${failureText(error)}\n`);
    if (json) io.stdout(`${JSON.stringify({ files: written.map((m) => m.file), requestIds, costUsd: cost, error: { kind: error.kind, message: error.message, ...(error.requestId ? { requestId: error.requestId } : {}) } }, null, 2)}\n`);
    return EXIT_FAILURE;
  }
  if (json) {
    io.stdout(`${JSON.stringify({ files: written.map((m) => ({ file: m.file, ...(m.original ? { original: m.original } : {}), sidecar: m.sidecarFile })), requestIds, costUsd: Math.round(cost * 1e6) / 1e6 }, null, 2)}\n`);
  } else {
    io.stderr(`${written.length} image(s), ${formatUsd(cost)}.\n`);
  }
  return EXIT_OK;
}
