import * as vscode from 'vscode';
import { type GenerationInput, planTargets, prepareGeneration, type SizePlanInfo } from '../../core/generation';
import type { GenerateOptions } from '../../core/options';
import { formatUsd } from '../../core/pricing';
import type { PresetCatalogue } from '../../core/sizes/designSystem';
import { presetPixels } from '../../core/sizes/presets';
import { PROMPT_MAX_CHARS, PROMPT_WARN_CHARS, QUALITIES, type Quality } from '../../core/vocabulary';
import { confirmEstimate } from '../../host/confirmSpend';
import { connect } from '../../host/connection';
import { showFailure } from '../../host/failure';
import { generationEnv, prepareFor, requireSendable, runWithProgress } from '../../host/generation';
import type { Services } from '../../host/services';
import { outputFolder } from '../../host/settings';
import { resolveWorkspacePath, type WorkspacePath } from '../../host/workspace';

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

/** The use case's input for checked Generate options written into `where`. */
export function generationInput(options: GenerateOptions, sizes: readonly string[], where: WorkspacePath): GenerationInput {
  return {
    prompt: options.prompt,
    sizes,
    ...(options.locales ? { locales: options.locales } : {}),
    folder: where.absolute,
    folderRelative: where.relative,
    ...(options.fit ? { fit: options.fit } : {}),
    ...(options.quality ? { quality: options.quality } : {}),
    ...(options.n ? { n: options.n } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.background ? { background: options.background } : {}),
    ...(options.name ? { name: options.name } : {}),
    // The command does not show previews: none are paid for.
    partialImages: 0,
  };
}

/**
 * Generates `options` (already checked) into the workspace: the use case prepares it (plans,
 * prompt, estimate), the user confirms above the limit, it runs under progress with cancel, and
 * the result or the failure is shown with its actions. Resolves to the exact-size images written.
 * Rejects when `rejectOnFailure` (scripted calls).
 */
export async function executeGenerate(services: Services, options: GenerateOptions, rejectOnFailure: boolean): Promise<vscode.Uri[]> {
  try {
    const connection = await connect(services);
    const sizes = options.sizes ?? lastChoices(services).sizes ?? ['auto'];
    const where = resolveWorkspacePath(options.folder ?? outputFolder(), 'write');
    const prepared = await prepareFor(services, generationInput(options, sizes, where), connection);
    requireSendable(prepared);
    for (const warning of prepared.warnings) services.log.warn(warning);
    if (!(await confirmEstimate(services, prepared.estimate, vscode.l10n.t('Generate')))) return [];

    await services.context.workspaceState.update(LAST_CHOICES, { prompt: options.prompt, sizes, quality: options.quality, n: options.n, folder: options.folder ?? where.relative } satisfies LastChoices);
    const result = await runWithProgress(services, connection, prepared, vscode.l10n.t('Generating mockups'));
    await services.context.workspaceState.update(LAST_FAILED, undefined);
    announce(services, result.mockups, where.relative || '.');
    return result.mockups.map((m) => vscode.Uri.file(m.file));
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

function announce(services: Services, written: readonly { file: string }[], folder: string): void {
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

/** A size's plan as a picker shows it: the badge, then the plan and its warnings on the detail line. */
function planDetail(info: SizePlanInfo): { description: string; detail: string } {
  const warnings = info.warnings.length ? ` $(warning) ${info.warnings.join(' ')}` : '';
  return { description: `${info.target} · ${info.badge}`, detail: `${info.explanation}${warnings}` };
}

function qualityDescription(quality: Quality): string {
  switch (quality) {
    case 'low':
      return vscode.l10n.t('fastest and cheapest, for drafts');
    case 'medium':
      return vscode.l10n.t('balanced');
    case 'high':
      return vscode.l10n.t('most detail, for final assets');
    case 'auto':
      return vscode.l10n.t('the service decides');
  }
}

/** Picker items in a fixed order; the last choice is marked (and focused), never moved. */
function lastUsed(description: string, isLast: boolean): string {
  return isLast ? `${description} · ${vscode.l10n.t('last used')}` : description;
}

/**
 * The quick-input flow of Generate Mockup...: prompt, sizes (each showing its plan and warnings),
 * quality, variants (each with its estimate) and, unless given, the folder. Escape at any step
 * ends it. The plans, warnings and prices are the use case's.
 */
export async function askGenerateOptions(services: Services, fixedFolder?: string): Promise<GenerateOptions | undefined> {
  const connection = await connect(services);
  const env = await generationEnv(services, connection.settings.model);
  const catalogue = env.catalogue as PresetCatalogue;
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

  // Every size in its group, in a fixed order; the sizes used last time are marked, not moved.
  const recent = new Set(failed?.sizes ?? last.sizes ?? []);
  const sizeItem = (size: string, planned: ReturnType<typeof planTargets>[number]): SizeItem => {
    const preset = catalogue.find(size);
    const plan = planned.ok ? planDetail(planned.info) : { description: vscode.l10n.t('custom'), detail: `$(error) ${planned.problem}` };
    const used = recent.has(size);
    if (!preset) return { label: size, description: lastUsed(size === 'auto' ? vscode.l10n.t('the service picks the size') : plan.description, used), detail: plan.detail, size };
    const px = presetPixels(preset);
    return { label: preset.name, description: lastUsed(`${preset.id} · ${preset.width}x${preset.height}@${preset.density}x = ${px.width}x${px.height} · ${planned.ok ? planned.info.badge : '?'}`, used), detail: plan.detail, size: preset.id };
  };
  const listed = ['auto', ...catalogue.presets.map((p) => p.id)];
  const customRecent = [...recent].filter((s) => !listed.includes(s));
  const allSizes = [...customRecent, ...listed];
  const plans = new Map(planTargets(allSizes, catalogue, model).map((p) => [p.text, p]));
  const items: SizeItem[] = [{ label: `$(edit) ${vscode.l10n.t('Custom size...')}`, description: 'WxH, WxH@2x', custom: true, alwaysShow: true }];
  for (const size of customRecent) items.push(sizeItem(size, plans.get(size) as ReturnType<typeof planTargets>[number]));
  items.push(sizeItem('auto', plans.get('auto') as ReturnType<typeof planTargets>[number]));
  let group = '';
  for (const preset of catalogue.presets) {
    if (preset.group !== group) {
      group = preset.group;
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push(sizeItem(preset.id, plans.get(preset.id) as ReturnType<typeof planTargets>[number]));
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
        const planned = planTargets(parts, catalogue, model);
        const problems = planned.flatMap((p) => (p.ok ? [] : [p.problem]));
        if (problems.length) return problems.join(' ');
        const infos = planned.flatMap((p) => (p.ok ? [p.info] : []));
        const warned = infos.some((i) => i.warnings.length > 0);
        return { message: infos.map((i) => `${i.explanation}${i.warnings.length ? ` ${i.warnings.join(' ')}` : ''}`).join(' | '), severity: warned ? vscode.InputBoxValidationSeverity.Warning : vscode.InputBoxValidationSeverity.Info };
      },
    });
    if (custom === undefined) return undefined;
    sizes.push(...custom.split(',').map((s) => s.trim()).filter(Boolean));
  }
  // The plans' warnings, as the Studio and the CLI show them for the same sizes, stay in view.
  const warnings = [...new Set(planTargets(sizes, catalogue, model).flatMap((p) => (p.ok ? p.info.warnings : [])))];
  for (const warning of warnings) services.log.warn(warning);
  const placeHolder = warnings.length ? `⚠ ${warnings.join(' ')}` : undefined;

  const lastQuality = failed?.quality ?? last.quality;
  const qualities = QUALITIES.map((value) => ({ label: value, description: lastUsed(qualityDescription(value), value === lastQuality), value }));
  const quality = await services.ui.pickOne(qualities, { title: vscode.l10n.t('Generate Mockup ({0}/{1}): quality', 3, total), ignoreFocusOut: true, ...(placeHolder ? { placeHolder } : {}) }, qualities.find((q) => q.value === lastQuality));
  if (!quality) return undefined;

  const lastN = failed?.n ?? last.n;
  const folderForEstimate = resolveWorkspacePath(fixedFolder ?? '.', 'read');
  const counts = [1, 2, 3, 4].map((n) => {
    const estimate = prepareGeneration(generationInput({ prompt, quality: quality.value, n }, sizes, folderForEstimate), env).estimate;
    return {
      label: String(n),
      description: lastUsed(vscode.l10n.t('{0} image(s), about {1}', estimate.images, estimate.usd !== undefined ? formatUsd(estimate.usd) : (estimate.missing ?? '?')), n === lastN),
      value: n,
    };
  });
  const n = await services.ui.pickOne(counts, { title: vscode.l10n.t('Generate Mockup ({0}/{1}): variants per size', 4, total), ignoreFocusOut: true, ...(placeHolder ? { placeHolder } : {}) }, counts.find((c) => c.value === lastN));
  if (!n) return undefined;

  let folder = fixedFolder;
  if (folder === undefined) {
    folder = await services.ui.showInputBox({
      title: vscode.l10n.t('Generate Mockup ({0}/{1}): folder', 5, total),
      prompt: vscode.l10n.t('Workspace folder for the images and their sidecars.'),
      value: failed?.folder ?? last.folder ?? outputFolder(),
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          resolveWorkspacePath(value || '.', 'write');
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
