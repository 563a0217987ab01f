import * as vscode from 'vscode';
import { companionFolderProblem } from '../core/assets/naming';
import { FoundryError } from '../core/foundry';
import {
  describeRetry,
  type GenerationEnv,
  type GenerationInput,
  type GenerationResult,
  prepareGeneration,
  type PreparedGeneration,
  runGeneration,
} from '../core/generation';
import type { ModelFamily } from '../core/vocabulary';
import { configuredModel, configuredPricing, type ReadyConnection } from './connection';
import { loadPresets } from './presets';
import { withCancellableProgress } from './progress';
import { type Services, toolVersion } from './services';
import { setting } from './settings';

/**
 * What the VS Code surfaces share around the core use case: the environment it prepares in (the
 * model, the presets, the prices and the workspace design system, as configured) and running it
 * under a cancellable progress notification that shows the core's events.
 */
export async function generationEnv(services: Services, model: ModelFamily = configuredModel()): Promise<GenerationEnv> {
  const [catalogue, { design }] = await Promise.all([loadPresets(services), services.design.get()]);
  const companion = companionFolder();
  return { model, catalogue, pricing: configuredPricing(model), ...(design ? { designSystem: design } : {}), ...(companion ? { companionFolder: companion } : {}) };
}

/** `foundryMockups.companionFolder`, checked: a bad name is an error that says how to fix it, never a write elsewhere. */
export function companionFolder(): string {
  const name = setting('companionFolder').trim();
  const problem = companionFolderProblem(name);
  if (problem) throw new FoundryError('validation', vscode.l10n.t('The setting foundryMockups.companionFolder cannot be used: {0} Leave it empty to keep originals and masks beside their images.', problem));
  return name;
}

/** Refuses a prepared generation that cannot be sent, naming every problem. */
export function requireSendable(prepared: PreparedGeneration): void {
  if (prepared.problems.length > 0) throw new FoundryError('validation', prepared.problems.join(' '));
}

export async function prepareFor(services: Services, input: GenerationInput, connection?: ReadyConnection): Promise<PreparedGeneration> {
  return prepareGeneration(input, await generationEnv(services, connection?.settings.model));
}

/**
 * Runs a prepared generation under a progress notification with Cancel: a line per request, the
 * previews as they stream, a countdown while the service asks to wait ("rate limited, retrying in
 * 30 s (attempt 2 of 4)"), and the log line of each request.
 */
export function runWithProgress(services: Services, connection: ReadyConnection, prepared: PreparedGeneration, title: string): Thenable<GenerationResult> {
  return withCancellableProgress(title, async (progress, signal) => {
    let countdown: ReturnType<typeof setInterval> | undefined;
    const stopCountdown = (): void => {
      if (countdown !== undefined) clearInterval(countdown);
      countdown = undefined;
    };
    let step = '';
    let previews = 0;
    try {
      return await runGeneration(prepared, { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: toolVersion(services), signal }, (event) => {
        switch (event.type) {
          case 'requestStarted': {
            stopCountdown();
            step = `${event.index + 1}/${event.total}`;
            previews = 0;
            const n = event.request.n ?? 1;
            progress.report({ message: vscode.l10n.t('{0}: {1} ({2} variant(s))', step, event.request.plan.explanation, n) });
            return;
          }
          case 'partial':
            previews++;
            progress.report({ message: vscode.l10n.t('{0}: receiving preview {1}', step, previews) });
            return;
          case 'retrying': {
            stopCountdown();
            services.log.info(`${step}: ${event.message}`);
            const show = (): void => progress.report({ message: `${step}: ${describeRetry(event.notice, event.retryAt - Date.now())}` });
            show();
            countdown = setInterval(show, 1000);
            return;
          }
          case 'requestDone':
            stopCountdown();
            for (const warning of event.outcome.warnings) services.log.warn(warning);
            services.log.info(event.log);
            progress.report({ increment: 100 / event.total });
            return;
        }
      });
    } finally {
      stopCountdown();
    }
  });
}
