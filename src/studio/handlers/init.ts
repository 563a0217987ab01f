import { LOCALES, TEMPLATES } from '../../core/prompts';
import { presetPixels } from '../../core/sizes/presets';
import { type ModelFamily, PROMPT_MAX_CHARS, PROMPT_WARN_CHARS } from '../../core/vocabulary';
import { configuredModel, readConnectionSettings } from '../../host/connection';
import { loadPresets } from '../../host/presets';
import { type Services, toolVersion } from '../../host/services';
import { outputFolder, setting } from '../../host/settings';
import { type HostToWebview, MAX_LOCALES, MAX_SIZES, MAX_VARIANTS } from '../protocol';
import { webviewL10n } from '../webviewL10n';

/** The model the Studio composes for, and whether the connection settings are complete. */
export function studioModel(): { model: ModelFamily; deployment: string; connected: boolean; problem?: string } {
  const read = readConnectionSettings();
  if ('settings' in read) return { model: read.settings.model, deployment: read.settings.deployment, connected: true };
  return { model: configuredModel(), deployment: '', connected: false, problem: read.problems[0]?.message };
}

/**
 * What the app needs to compose: connection, presets, templates, locales, limits, the design
 * system, and its strings in VS Code's display language. Sent after the ready handshake, and again
 * whenever a setting, the presets file or the design system changes (the app keeps what was composed).
 */
export async function initMessage(services: Services): Promise<Extract<HostToWebview, { type: 'init' }>> {
  const { model, deployment, connected, problem } = studioModel();
  const catalogue = await loadPresets(services);
  const state = await services.design.get();
  const summary = state.summary;
  const guide = state.design
    ? {
        file: state.design.file,
        text: state.design.text,
        warnings: state.design.warnings,
        sha256: state.design.sha256,
        ...(state.design.omittedText ? { omitted: state.design.omittedText } : {}),
        ...(summary
          ? {
              summary: {
                ...(summary.name ? { name: summary.name } : {}),
                kindLabel: summary.kindLabel,
                swatches: summary.swatches.slice(0, 48).map((s) => ({ name: s.name, hex: s.hex, ...(s.role ? { role: s.role } : {}) })),
                typeSamples: summary.typeSamples.slice(0, 16).map((t) => ({ role: t.role, ...(t.family ? { family: t.family } : {}), ...(t.size ? { size: t.size } : {}), ...(t.weight !== undefined ? { weight: t.weight } : {}), ...(t.lineHeight ? { lineHeight: t.lineHeight } : {}) })),
                radius: summary.radius.slice(0, 16),
                spacing: summary.spacing.slice(0, 16),
              },
            }
          : {}),
      }
    : state.error
      ? { file: setting('styleGuide'), error: state.error, warnings: [] }
      : undefined;
  return {
    type: 'init',
    version: toolVersion(services),
    model,
    deployment,
    connected,
    ...(problem ? { connectionProblem: problem } : {}),
    presets: catalogue.presets.map((p) => {
      const px = presetPixels(p);
      return { id: p.id, name: p.name, group: p.group, css: `${p.width}x${p.height}@${p.density}x`, pixels: `${px.width}x${px.height}` };
    }),
    templates: TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description, fields: t.fields.map((f) => ({ id: f.id, label: f.label, example: f.example, required: f.required === true })) })),
    locales: LOCALES.map((l) => ({ tag: l.tag, englishName: l.englishName, nativeName: l.nativeName, direction: l.direction })),
    limits: { promptMax: PROMPT_MAX_CHARS, promptWarn: PROMPT_WARN_CHARS, maxSizes: MAX_SIZES, maxLocales: MAX_LOCALES, maxVariants: MAX_VARIANTS },
    ...(guide ? { styleGuide: guide } : {}),
    outputFolder: outputFolder(),
    l10n: await webviewL10n(services),
  };
}
