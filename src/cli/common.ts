/**
 * What the CLI's run, estimate and generate commands share: the connection from flags or the
 * environment (else DefaultAzureCredential, loaded lazily), the preset catalogue of the working
 * folder, reading a batch file with its problems, and progress output (a bar on a terminal,
 * plain lines in CI).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import packageJson from '../../package.json';
import { parseBatch, formatBatchProblem, hasErrors, localFiles, type ParsedBatch } from '../core/batch';
import { resolveIn } from '../core/assets/paths';
import { type ConnectionSettings, connectionInfo, createClientFor, parseConnectionSettings } from '../core/connection';
import type { FoundryClient } from '../core/foundry';
import { type ConnectionInfo, promptDesign, type PromptDesign } from '../core/generation';
import { type Pricing, resolvePricing } from '../core/pricing';
import { DESIGN_SYSTEM_FILE, formatProblem, loadPresetCatalogue, type PresetCatalogue } from '../core/sizes/designSystem';
import { isModelFamily, MODEL_FAMILIES, type ModelFamily } from '../core/sizes/rules';
import { type CliIO, UsageError } from './io';

export const TOOL_VERSION: string = packageJson.version;

/** parseArgs option declarations of the connection flags. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  deployment: { type: 'string' },
  model: { type: 'string' },
  'api-mode': { type: 'string' },
  'api-version': { type: 'string' },
  'api-key': { type: 'string' },
  tenant: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const CONNECTION_HELP = `Connection (flags, else environment variables):
  --endpoint <url>        AZURE_OPENAI_ENDPOINT     https://<resource>.openai.azure.com
  --deployment <name>     AZURE_OPENAI_DEPLOYMENT   your gpt-image deployment
  --model <family>        AZURE_OPENAI_MODEL        ${MODEL_FAMILIES.join(' | ')} (default gpt-image-2)
  --api-mode <mode>       AZURE_OPENAI_API_MODE     v1 (default) | dated
  --api-version <ver>     AZURE_OPENAI_API_VERSION  e.g. 2025-04-01-preview for dated
  --api-key <key>         AZURE_OPENAI_API_KEY      (prefer the variable: flags show in process lists)
  --tenant <id>           AZURE_TENANT_ID           Entra tenant for DefaultAzureCredential
  --timeout <seconds>     per request (default 300)
Without an API key, DefaultAzureCredential is used (Azure CLI login, environment, managed identity).`;

type Values = Readonly<Record<string, unknown>>;

function pick(values: Values, flag: string, io: CliIO, ...variables: string[]): string | undefined {
  const fromFlag = values[flag];
  if (typeof fromFlag === 'string' && fromFlag.trim()) return fromFlag.trim();
  for (const name of variables) {
    const value = io.env?.[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The model family for planning, from --model or AZURE_OPENAI_MODEL (default gpt-image-2). */
export function modelFrom(values: Values, io: CliIO): ModelFamily {
  const model = pick(values, 'model', io, 'AZURE_OPENAI_MODEL') ?? 'gpt-image-2';
  if (!isModelFamily(model)) throw new UsageError(`unknown model "${model}": use ${MODEL_FAMILIES.join(', ')}.`);
  return model;
}

export interface CliConnection {
  readonly settings: ConnectionSettings;
  readonly info: ConnectionInfo;
  readonly pricing: Pricing;
  readonly client: FoundryClient;
  readonly description: string;
}

/** The connection settings from flags and environment; UsageError naming the flag and variable when incomplete. */
export function connectionSettings(values: Values, io: CliIO): ConnectionSettings {
  const parsed = parseConnectionSettings({
    endpoint: pick(values, 'endpoint', io, 'AZURE_OPENAI_ENDPOINT') ?? '',
    deployment: pick(values, 'deployment', io, 'AZURE_OPENAI_DEPLOYMENT') ?? '',
    model: modelFrom(values, io),
    apiMode: pick(values, 'api-mode', io, 'AZURE_OPENAI_API_MODE') ?? 'v1',
    apiVersion: pick(values, 'api-version', io, 'AZURE_OPENAI_API_VERSION', 'OPENAI_API_VERSION') ?? '',
    tenant: pick(values, 'tenant', io, 'AZURE_TENANT_ID') ?? '',
  });
  if ('problems' in parsed) {
    const flags: Record<string, string> = { endpoint: '--endpoint or AZURE_OPENAI_ENDPOINT', deployment: '--deployment or AZURE_OPENAI_DEPLOYMENT', model: '--model', apiMode: '--api-mode', apiVersion: '--api-version' };
    throw new UsageError(parsed.problems.map((p) => `${p.message} (${flags[p.setting] ?? p.setting})`).join('\n'));
  }
  return parsed.settings;
}

/**
 * A client for the connection. `maxRetries`: 0 for batch runs (the scheduler is the one retry
 * layer), the client's default for single requests.
 */
export async function connect(values: Values, io: CliIO, maxRetries?: number): Promise<CliConnection> {
  const settings = connectionSettings(values, io);
  const timeoutText = typeof values['timeout'] === 'string' ? values['timeout'] : undefined;
  const timeoutSeconds = timeoutText === undefined ? 300 : Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout takes a number of seconds above 0, not "${timeoutText}".`);
  const apiKey = pick(values, 'api-key', io, 'AZURE_OPENAI_API_KEY');
  let auth;
  let description;
  if (apiKey) {
    auth = { kind: 'apiKey' as const, apiKey };
    description = 'an API key';
  } else {
    const { createAzureIdentityCredential, tokenGetter } = await import('../auth/azureIdentity.js');
    const credential = await createAzureIdentityCredential('default', settings.tenant);
    auth = { kind: 'token' as const, getToken: tokenGetter(credential, settings.scope) };
    description = 'DefaultAzureCredential';
  }
  const client = createClientFor(settings, auth, { timeoutMs: timeoutSeconds * 1000, ...(maxRetries !== undefined ? { maxRetries } : {}) });
  return { settings, info: connectionInfo(settings), pricing: resolvePricing(settings.model), client, description };
}

/** Presets: built-in plus the working folder's .vscode/mockups.json (or --presets). */
export async function readCatalogue(io: CliIO, presetsFile: string | undefined): Promise<PresetCatalogue> {
  let file: string;
  try {
    file = resolveIn(io.cwd, presetsFile ?? DESIGN_SYSTEM_FILE, 'read').absolute;
  } catch (error) {
    throw new UsageError(`${presetsFile !== undefined ? '--presets' : DESIGN_SYSTEM_FILE}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (presetsFile !== undefined) throw new UsageError(`cannot read the presets file ${presetsFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const catalogue = loadPresetCatalogue(text === undefined ? {} : { workspace: { text, fileLabel: path.relative(io.cwd, file) || file } });
  for (const problem of catalogue.problems) io.stderr(`warning: ${formatProblem(problem)}\n`);
  return catalogue;
}

/**
 * Reads and checks a batch file; the working folder is the root outputs and inputs must stay
 * inside. Problems are printed as `file:line:column: severity: message`; errors throw a
 * UsageError (exit code 2).
 */
export async function loadBatchFile(
  io: CliIO,
  file: string,
  model: ModelFamily,
  env: { readonly catalogue: PresetCatalogue; readonly designSystem?: PromptDesign; readonly companionFolder?: string },
): Promise<NonNullable<ParsedBatch['batch']>> {
  const absolute = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the batch file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const parsed = parseBatch(text, {
    batchFile: absolute,
    root: io.cwd,
    model,
    presets: (id) => env.catalogue.find(id),
    ...localFiles,
    ...(env.designSystem ? { designSystem: env.designSystem } : {}),
    ...(env.companionFolder ? { companionFolder: env.companionFolder } : {}),
  });
  const label = path.relative(io.cwd, absolute) || absolute;
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  const warnings = parsed.problems.filter((p) => p.severity === 'warning');
  for (const problem of warnings.slice(0, MAX_PRINTED_PROBLEMS)) io.stderr(`${formatBatchProblem(problem, label)}\n`);
  if (warnings.length > MAX_PRINTED_PROBLEMS) io.stderr(`${label}: ${warnings.length - MAX_PRINTED_PROBLEMS} more warning(s) not shown.\n`);
  if (hasErrors(parsed.problems) || !parsed.batch) {
    const shown = errors.slice(0, MAX_PRINTED_PROBLEMS).map((p) => formatBatchProblem(p, label));
    if (errors.length > MAX_PRINTED_PROBLEMS) shown.push(`... and ${errors.length - MAX_PRINTED_PROBLEMS} more.`);
    throw new UsageError(`the batch file has ${errors.length} problem(s):\n${shown.join('\n')}`);
  }
  return parsed.batch;
}

/** Problems printed per batch file (the rest are counted). */
const MAX_PRINTED_PROBLEMS = 50;

/** Progress: a redrawn bar on a terminal (not in CI), plain lines otherwise. */
export class ProgressPrinter {
  private readonly bar: boolean;
  private drawn = false;

  constructor(
    private readonly io: CliIO,
    private readonly quiet = false,
  ) {
    const ci = io.env?.['CI'];
    this.bar = Boolean(io.isTTY) && !(ci && ci !== 'false' && ci !== '0');
  }

  update(completed: number, total: number, counts: { done: number; skipped: number; failed: number }, line?: string): void {
    if (this.quiet) return;
    if (this.bar) {
      const width = 30;
      const filled = total === 0 ? width : Math.round((completed / total) * width);
      this.io.stderr(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${completed}/${total}  done ${counts.done}  skipped ${counts.skipped}  failed ${counts.failed} `);
      this.drawn = true;
    } else if (line) {
      this.io.stderr(`${line}\n`);
    }
  }

  note(text: string): void {
    if (this.quiet) return;
    this.end();
    this.io.stderr(`${text}\n`);
  }

  end(): void {
    if (this.drawn) this.io.stderr('\n');
    this.drawn = false;
  }
}

/**
 * The design system sent with every prompt: `--design-system FILE` (a file or folder), else the
 * one discovery finds in the working folder. Its problems are printed as warnings; a pinned file
 * that cannot be used is a UsageError.
 */
export async function readDesignSystem(io: CliIO, pinned: string | undefined): Promise<PromptDesign | undefined> {
  const { discoverDesignSystem } = await import('../core/design/index.js');
  const found = await discoverDesignSystem(io.cwd, { ...(pinned ? { pinned } : {}), pinnedBy: '--design-system', ...(io.signal ? { signal: io.signal } : {}) });
  const errors = found.problems.filter((p) => p.severity === 'error');
  if (pinned && !found.context) throw new UsageError(`--design-system ${pinned}: ${errors[0]?.text ?? 'no design system there.'}`);
  for (const problem of found.problems) io.stderr(`warning: ${problem.text}\n`);
  return found.context ? promptDesign(found.context, found.problems.filter((p) => p.severity === 'warning')) : undefined;
}
