import * as vscode from 'vscode';
import { formatUsd } from '../../core/pricing';
import type { Services } from '../../services';

/**
 * Asks before spending more than `foundryMockups.confirmAboveUsd` (Generate Mockup, the Studio,
 * Run Batch). Resolves true when the estimate is within the limit or the user chose `action`.
 * `detail` is a sentence about what would be sent; the limit and its setting are added to it.
 */
export async function confirmSpend(services: Services, estimateUsd: number, headline: string, detail: string, action: string): Promise<boolean> {
  const threshold = vscode.workspace.getConfiguration('foundryMockups').get<number>('confirmAboveUsd', 1);
  if (estimateUsd <= threshold) return true;
  return services.ui.confirm(headline, vscode.l10n.t('{0} Your limit for asking is {1} (setting foundryMockups.confirmAboveUsd).', detail, formatUsd(threshold)), action);
}
