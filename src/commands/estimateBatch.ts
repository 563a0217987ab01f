import * as vscode from 'vscode';
import { chooseBatchFile, configuredModel, parseBatchFile } from '../batchFiles/load';
import { configuredPricing, readConnectionSettings } from '../host/connection';
import { endpointHost } from '../core/connection';
import { estimateBatch, estimateSummary, findDoneJobs, renderEstimateMarkdown, type BatchJob } from '../core/batch';
import type { Services } from '../host/services';
import { showFailure } from '../host/failure';

/** What Estimate Batch Cost resolves to (scripts and tests). */
export interface EstimateBatchResult {
  readonly jobs: number;
  readonly toSend: number;
  readonly totalUsd: number;
  readonly toSendUsd: number;
  readonly markdown: string;
}

/**
 * Mockups: Estimate Batch Cost. The full plan table (every job's size plan, output name and
 * estimate) and the total, opened as a Markdown preview of a read-only document; sends no request
 * and needs no sign-in.
 * With the connection configured, jobs already done are marked and left out of what a run spends.
 */
export async function run(services: Services, arg?: unknown): Promise<EstimateBatchResult | undefined> {
  const uri = await chooseBatchFile(services, arg, vscode.l10n.t('Estimate Batch Cost'));
  if (!uri) return undefined;
  try {
    const parsed = await parseBatchFile(services, uri);
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !parsed.batch) {
      void services.ui.showErrorMessage(vscode.l10n.t('{0} has {1} problem(s): fix them first (see the Problems panel). First: line {2}: {3}', vscode.workspace.asRelativePath(uri), errors.length, (errors[0]?.range.start.line ?? 0) + 1, errors[0]?.message ?? ''));
      return undefined;
    }
    const batch = parsed.batch;
    const model = configuredModel();
    const read = readConnectionSettings();
    let done = new Set<BatchJob>();
    if ('settings' in read) {
      const info = { deployment: read.settings.deployment, model: read.settings.model, endpointHost: endpointHost(read.settings.endpoint), apiMode: read.settings.apiMode };
      done = new Set((await findDoneJobs(batch.jobs, batch, info)).keys());
    }
    const estimate = estimateBatch(batch.jobs, model, configuredPricing(model), done);
    const markdown = renderEstimateMarkdown(batch, estimate);
    // A read-only document of ours, not an Untitled one: nothing is left dirty, closing asks nothing.
    const estimateUri = services.readOnlyDocuments.show(`${batch.fileRelative.replace(/\.mockups\.json$/i, '')}.estimate.md`, markdown);
    await vscode.commands.executeCommand('markdown.showPreview', estimateUri);
    const summary = estimateSummary(estimate);
    services.log.info(`Estimate of ${batch.fileRelative}: ${summary}`);
    void services.ui.showInformationMessage(vscode.l10n.t('Batch {0}: {1}', batch.name, summary));
    return { jobs: estimate.jobs, toSend: estimate.toSend, totalUsd: estimate.totalUsd, toSendUsd: estimate.toSendUsd, markdown };
  } catch (error) {
    await showFailure(services, error);
    return undefined;
  }
}
