import * as vscode from 'vscode';
import type { GenerationEstimate } from '../core/generation';
import { formatUsd } from '../core/pricing';
import type { Services } from './services';
import { setting } from './settings';

/**
 * Asks before spending more than `foundryMockups.confirmAboveUsd` (Generate Mockup, Refine, the
 * Studio, Run Batch, the agent tools). Resolves true when the estimate is within the limit or the
 * user chose `action`. `detail` is a sentence about what would be sent; the limit and its setting
 * are added to it.
 */
export async function confirmSpend(services: Services, estimateUsd: number, headline: string, detail: string, action: string): Promise<boolean> {
  const threshold = setting('confirmAboveUsd');
  if (estimateUsd <= threshold) return true;
  return services.ui.confirm(headline, vscode.l10n.t('{0} Your limit for asking is {1} (setting foundryMockups.confirmAboveUsd).', detail, formatUsd(threshold)), action);
}

/** The confirmation of a prepared generation: its estimate, in the core's own words. */
export function confirmEstimate(services: Services, estimate: GenerationEstimate, action: string): Promise<boolean> {
  return confirmSpend(services, estimate.usd ?? 0, vscode.l10n.t('This request is estimated to cost about {0}.', formatUsd(estimate.usd ?? 0)), estimate.summary, action);
}
