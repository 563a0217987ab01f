import * as vscode from 'vscode';
import { connect, type ReadyConnection } from '../../connection';
import { PROMPT_MAX_CHARS, PROMPT_WARN_CHARS } from '../../core/foundry';
import { createMockups, type MockupRequest, type WrittenMockup } from '../../core/mockups';
import type { GenerateOptions } from '../../core/options';
import { estimateCost, formatUsd, type Quality } from '../../core/pricing';
import type { PresetCatalogue } from '../../core/sizes/designSystem';
import { planSize, type SizePlan } from '../../core/sizes/planner';
import { presetPixels } from '../../core/sizes/presets';
import type { ModelFamily } from '../../core/sizes/rules';
import { type Fit, parseTarget } from '../../core/sizes/target';
import { loadPresets } from '../../presetSource';
import type { Services } from '../../services';
import { resolveWorkspacePath } from '../../workspace';
import { confirmSpend } from './confirmSpend';
import { showFailure } from './failure';
import { withCancellableProgress } from './progress';

const LAST_CHOICES = 'foundryMockups.lastGenerate';
const LAST_FAILED = 'foundryMockups.lastFailedGenerate';

/** The choices of the last generation, offered again next time. */
export interface LastChoices {
  readonly prompt?: string;
  readonly sizes?: readonly string[];
  readonly quality?: Quality;
  readonly n?: number;
  readonly folder?: string;
}

export function lastChoices(services: Services): LastChoices {
  return services.context.workspaceState.get<LastChoices>(LAST_CHOICES) ?? {};
}

/** The options of the last request that failed, kept so that it can be retried in one step. */
export function lastFailedOptions(services: Services): GenerateOptions | undefined {
  return services.context.workspaceState.get<GenerateOptions>(LAST_FAILED);
}

export function outputFolderSetting(): string {
  return vscode.workspace.getConfiguration('foundryMockups').get<string>('outputFolder', 'mockups') || 'mockups';
}

/** Plans every size for the connection's model; throws with a clear message for a bad size. */
export function planAll(sizes: readonly string[], catalogue: PresetCatalogue, model: ModelFamily, fit?: Fit): SizePlan[] {
  return sizes.map((text) => {
    const target = parseTarget(text, (id) => catalogue.find(id));
    const preset = target !== 'auto' && target.presetId ? catalogue.find(target.presetId) : undefined;
    return planSize(target, model, { fit: fit ?? preset?.fit ?? 'cover', ...(preset?.padColor ? { padColor: preset.padColor } : {}) });
  });
}

export function estimateUsd(plans: readonly SizePlan[], options: Pick<GenerateOptions, 'prompt' | 'quality' | 'n'>, connection: Pick<ReadyConnection, 'pricing' | 'settings'>): number {
  return plans.reduce(
    (sum, plan) =>
      sum +
      estimateCost({ model: connection.settings.model, size: plan.generation, quality: options.quality ?? 'auto', n: options.n ?? 1, promptChars: options.prompt.length }, connection.pricing).usd,
    0,
  );
}

/**
 * Generates `options` (already checked) into the workspace: plans, estimate and confirmation,
 * progress with cancel, files and sidecars, the result or the failure shown with its actions.
 * Resolves to the exact-size images written. Rejects when `rejectOnFailure` (scripted calls).
 */
export async function executeGenerate(services: Services, options: GenerateOptions, rejectOnFailure: boolean): Promise<vscode.Uri[]> {
  try {
    const connection = await connect(services);
    const catalogue = await loadPresets(services);
    const sizes = options.sizes ?? lastChoices(services).sizes ?? ['auto'];
    const plans = planAll(sizes, catalogue, connection.settings.model, options.fit);
    const where = resolveWorkspacePath(options.folder ?? outputFolderSetting());

    const estimate = estimateUsd(plans, options, connection);
    const confirmed = await confirmSpend(
      services,
      estimate,
      vscode.l10n.t('This request is estimated to cost about {0}.', formatUsd(estimate)),
      vscode.l10n.t('{0} size(s) x {1} variant(s) at {2} quality.', plans.length, options.n ?? 1, options.quality ?? 'auto'),
      vscode.l10n.t('Generate'),
    );
    if (!confirmed) return [];

    await services.context.workspaceState.update(LAST_CHOICES, { prompt: options.prompt, sizes, quality: options.quality, n: options.n, folder: options.folder ?? where.relative } satisfies LastChoices);
    const written = await runRequests(services, connection, plans.map((plan) => toRequest(options, plan, where.absolute, plans.length)), vscode.l10n.t('Generating mockups'));
    await services.context.workspaceState.update(LAST_FAILED, undefined);
    announce(services, written, where.relative || '.');
    return written.map((m) => vscode.Uri.file(m.file));
  } catch (error) {
    await services.context.workspaceState.update(LAST_FAILED, options);
    const retry = (): Promise<vscode.Uri[]> => executeGenerate(services, options, false);
    if (rejectOnFailure) {
      void showFailure(services, error, retry);
      throw error;
    }
    await showFailure(services, error, retry);
    return [];
  }
}

function toRequest(options: GenerateOptions, plan: SizePlan, folder: string, sizeCount: number): MockupRequest {
  return {
    promptTyped: options.prompt,
    promptSent: options.prompt,
    plan,
    folder,
    ...(options.quality ? { quality: options.quality } : {}),
    ...(options.n ? { n: options.n } : {}),
    ...(options.format ? { outputFormat: options.format } : {}),
    ...(options.background ? { background: options.background } : {}),
    ...(options.name ? { name: options.name } : {}),
    sizeInName: options.name === undefined || sizeCount > 1,
  };
}

/** Sends the requests one after another under a cancellable progress notification. */
export async function runRequests(services: Services, connection: ReadyConnection, requests: readonly MockupRequest[], title: string): Promise<WrittenMockup[]> {
  return withCancellableProgress(title, async (progress, signal) => {
    const written: WrittenMockup[] = [];
    for (const [index, request] of requests.entries()) {
      const n = request.n ?? 1;
      const step = `${index + 1}/${requests.length}`;
      progress.report({ message: vscode.l10n.t('{0}: {1} ({2} variant(s))', step, request.plan.explanation, n) });
      let partials = 0;
      const outcome = await createMockups(request, {
        client: connection.client,
        connection: connection.info,
        pricing: connection.pricing,
        toolVersion: services.context.extension.packageJSON ? String((services.context.extension.packageJSON as { version?: unknown }).version) : '0.0.0',
        signal,
        onPartialImage: () => {
          partials++;
          progress.report({ message: vscode.l10n.t('{0}: receiving preview {1}', step, partials) });
        },
      });
      for (const warning of outcome.warnings) services.log.warn(warning);
      const usage = outcome.mockups[0]?.sidecar.usage;
      services.log.info(
        `Request ${outcome.requestId ?? '(no id)'}: ${request.plan.explanation} x${outcome.mockups.length} in ${Math.round(outcome.durationMs)} ms, ` +
          `${usage?.totalTokens ?? '?'} tokens, ${outcome.costUsd !== undefined ? formatUsd(outcome.costUsd) : 'cost unknown'}.`,
      );
      written.push(...outcome.mockups);
      progress.report({ increment: 100 / requests.length });
    }
    return written;
  });
}

function announce(services: Services, written: readonly WrittenMockup[], folder: string): void {
  if (written.length === 0) return;
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const message = written.length === 1 ? vscode.l10n.t('Generated 1 mockup in {0}.', folder) : vscode.l10n.t('Generated {0} mockups in {1}.', written.length, folder);
  void services.ui.showInformationMessage(message, open, reveal).then(async (choice) => {
    const first = vscode.Uri.file(written[0].file);
    if (choice === open) await vscode.commands.executeCommand('vscode.open', first);
    if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', first);
  });
}

interface SizeItem extends vscode.QuickPickItem {
  readonly size?: string;
  readonly custom?: boolean;
}

/**
 * The quick-input flow of Generate Mockup...: prompt, sizes (each showing its plan), quality,
 * variants (each with its estimate) and, unless given, the folder. Escape at any step ends it.
 */
export async function askGenerateOptions(services: Services, fixedFolder?: string): Promise<GenerateOptions | undefined> {
  const connection = await connect(services);
  const catalogue = await loadPresets(services);
  const last = lastChoices(services);
  const failed = lastFailedOptions(services);
  const total = fixedFolder ? 4 : 5;
  const model = connection.settings.model;

  const prompt = await services.ui.showInputBox({
    title: vscode.l10n.t('Generate Mockup ({0}/{1}): prompt', 1, total),
    prompt: vscode.l10n.t('Describe the screen, component or visual to generate.'),
    value: failed?.prompt ?? last.prompt ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return vscode.l10n.t('Describe the mockup to generate.');
      if (value.length > PROMPT_MAX_CHARS) return vscode.l10n.t('{0} characters: the service accepts at most {1}.', value.length, PROMPT_MAX_CHARS);
      if (value.length > PROMPT_WARN_CHARS) return { message: vscode.l10n.t('{0} characters: some deployments accept only {1}.', value.length, PROMPT_WARN_CHARS), severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  });
  if (prompt === undefined) return undefined;

  const recent = [...(failed?.sizes ?? last.sizes ?? [])];
  const explain = (text: string): string => {
    try {
      return planAll([text], catalogue, model)[0].explanation;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  // Recently used sizes come first, in their own section; every other preset stays in its group.
  const sizeItem = (size: string): SizeItem => {
    const preset = catalogue.find(size);
    if (!preset) return { label: size, description: size === 'auto' ? vscode.l10n.t('the service picks the size') : vscode.l10n.t('custom'), detail: explain(size), size };
    const px = presetPixels(preset);
    return { label: preset.name, description: `${preset.id} · ${preset.width}x${preset.height}@${preset.density}x = ${px.width}x${px.height}`, detail: explain(preset.id), size: preset.id };
  };
  const items: SizeItem[] = [{ label: `$(edit) ${vscode.l10n.t('Custom size...')}`, description: 'WxH, WxH@2x', custom: true, alwaysShow: true }];
  if (recent.length) {
    items.push({ label: vscode.l10n.t('recently used'), kind: vscode.QuickPickItemKind.Separator }, ...recent.map(sizeItem));
  }
  if (!recent.includes('auto')) items.push(sizeItem('auto'));
  let group = '';
  for (const preset of catalogue.presets) {
    if (recent.includes(preset.id)) continue;
    if (preset.group !== group) {
      group = preset.group;
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push(sizeItem(preset.id));
  }

  const picked = await services.ui.pickMany(items, { title: vscode.l10n.t('Generate Mockup ({0}/{1}): sizes', 2, total), placeHolder: vscode.l10n.t('Pick one or more design-system sizes'), matchOnDescription: true, ignoreFocusOut: true });
  if (!picked || picked.length === 0) return undefined;
  const sizes = picked.filter((i) => i.size).map((i) => i.size as string);
  if (picked.some((i) => i.custom)) {
    const custom = await services.ui.showInputBox({
      title: vscode.l10n.t('Generate Mockup: custom size'),
      prompt: vscode.l10n.t('Pixels (1200x630), CSS pixels at a density (390x844@3x) or a preset id; several separated by commas.'),
      ignoreFocusOut: true,
      validateInput: (value) => {
        const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
        if (parts.length === 0) return vscode.l10n.t('Enter a size such as 390x844@3x.');
        try {
          const plans = planAll(parts, catalogue, model);
          return { message: plans.map((p) => p.explanation).join(' | '), severity: vscode.InputBoxValidationSeverity.Info };
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (custom === undefined) return undefined;
    sizes.push(...custom.split(',').map((s) => s.trim()).filter(Boolean));
  }

  const qualities: Array<vscode.QuickPickItem & { value: Quality }> = [
    { label: 'low', description: vscode.l10n.t('fastest and cheapest, for drafts'), value: 'low' },
    { label: 'medium', description: vscode.l10n.t('balanced'), value: 'medium' },
    { label: 'high', description: vscode.l10n.t('most detail, for final assets'), value: 'high' },
    { label: 'auto', description: vscode.l10n.t('the service decides'), value: 'auto' },
  ];
  const lastQuality = failed?.quality ?? last.quality;
  qualities.sort((a, b) => Number(b.value === lastQuality) - Number(a.value === lastQuality));
  const quality = await services.ui.pickOne(qualities, { title: vscode.l10n.t('Generate Mockup ({0}/{1}): quality', 3, total), ignoreFocusOut: true });
  if (!quality) return undefined;

  const plans = planAll(sizes, catalogue, model);
  const counts = [1, 2, 3, 4].map((n) => ({
    label: String(n),
    description: vscode.l10n.t('{0} image(s), about {1}', n * plans.length, formatUsd(estimateUsd(plans, { prompt, quality: quality.value, n }, connection))),
    value: n,
  }));
  const lastN = failed?.n ?? last.n;
  counts.sort((a, b) => Number(b.value === lastN) - Number(a.value === lastN));
  const n = await services.ui.pickOne(counts, { title: vscode.l10n.t('Generate Mockup ({0}/{1}): variants per size', 4, total), ignoreFocusOut: true });
  if (!n) return undefined;

  let folder = fixedFolder;
  if (folder === undefined) {
    folder = await services.ui.showInputBox({
      title: vscode.l10n.t('Generate Mockup ({0}/{1}): folder', 5, total),
      prompt: vscode.l10n.t('Workspace folder for the images and their sidecars.'),
      value: failed?.folder ?? last.folder ?? outputFolderSetting(),
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          resolveWorkspacePath(value || '.');
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (folder === undefined) return undefined;
  }
  return { prompt, sizes, quality: quality.value, n: n.value, folder: folder || '.' };
}
