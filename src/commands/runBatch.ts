import * as vscode from 'vscode';
import { chooseBatchFile, parseBatchFile } from '../batchFiles/load';
import { BatchLockedError, describeSchedulerEvent, runBatch, RunDeclinedError, summaryLine, type RunPlan, type RunReport } from '../core/batch';
import { formatUsd } from '../core/pricing';
import { connect } from '../host/connection';
import { type Services, toolVersion } from '../host/services';
import { setting } from '../host/settings';
import { confirmSpend } from '../host/confirmSpend';
import { showFailure } from '../host/failure';
import { withCancellableProgress } from '../host/progress';

/** What Run Batch resolves to (scripts and tests): the run report and where it was written. */
export interface RunBatchResult {
  readonly report: RunReport;
  readonly reportFiles: string[];
}

/**
 * Mockups: Run Batch. Checks the batch file (problems go to the Problems panel and stop the run),
 * then runs it in the core (which takes the batch's lock, so a second run, here or in a terminal,
 * is refused with the other run named), asking first when the run would send more requests than
 * `foundryMockups.batch.maxJobs` or spend more than `foundryMockups.confirmAboveUsd`; progress
 * "X of Y" with Cancel, jobs already done skipped; then offers the run report.
 */
export async function run(services: Services, arg?: unknown): Promise<RunBatchResult | undefined> {
  const uri = await chooseBatchFile(services, arg, vscode.l10n.t('Run Batch'));
  if (!uri) return undefined;
  try {
    const parsed = await parseBatchFile(services, uri);
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !parsed.batch) {
      const show = vscode.l10n.t('Show Problems');
      const message = vscode.l10n.t('{0} has {1} problem(s), so nothing was sent. First: line {2}: {3}', vscode.workspace.asRelativePath(uri), errors.length, (errors[0]?.range.start.line ?? 0) + 1, errors[0]?.message ?? '');
      services.log.warn(message);
      void services.ui.showErrorMessage(message, show).then((choice) => {
        if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return undefined;
    }
    const batch = parsed.batch;
    const connection = await connect(services, { maxRetries: 0 });
    const concurrency = setting('batch.concurrency');
    const maxJobs = setting('batch.maxJobs');
    const version = toolVersion(services);

    // Asked by the core with the batch's lock held, once it knows what is done already.
    const confirm = async (plan: RunPlan): Promise<boolean> => {
      services.log.info(`Batch ${batch.fileRelative}: ${plan.jobs} job(s), ${plan.alreadyDone} already done, ${plan.toSend} to send (about ${formatUsd(plan.estimateUsd)}), concurrency ${concurrency}.`);
      const detail = vscode.l10n.t('{0} of {1} job(s) to send ({2} already done).', plan.toSend, plan.jobs, plan.alreadyDone);
      if (plan.toSend > maxJobs) {
        const many = await services.ui.confirm(
          vscode.l10n.t('This batch sends {0} requests, more than {1} in one run.', plan.toSend, maxJobs),
          vscode.l10n.t('{0} It is estimated to cost about {1}. The limit for asking is the setting foundryMockups.batch.maxJobs.', detail, formatUsd(plan.estimateUsd)),
          vscode.l10n.t('Run Batch'),
        );
        if (!many) return false;
      }
      return confirmSpend(services, plan.estimateUsd, vscode.l10n.t('This batch is estimated to cost about {0}.', formatUsd(plan.estimateUsd)), detail, vscode.l10n.t('Run Batch'));
    };

    const result = await withCancellableProgress(vscode.l10n.t('Running batch {0}', batch.name), async (progress, signal) => {
      let reported = 0;
      let line = '';
      // While the run waits (rate limited, or before sending a job again), the wait counts down.
      let countdown: ReturnType<typeof setInterval> | undefined;
      const stopCountdown = (): void => {
        if (countdown !== undefined) clearInterval(countdown);
        countdown = undefined;
      };
      signal.addEventListener('abort', stopCountdown, { once: true });
      return runBatch(batch, {
        client: connection.client,
        connection: connection.info,
        pricing: connection.pricing,
        toolVersion: version,
        concurrency,
        signal,
        surface: 'vscode',
        confirm,
        onProgress: (p) => {
          const increment = p.total === 0 ? 0 : ((p.completed - reported) / p.total) * 100;
          reported = p.completed;
          stopCountdown();
          line = vscode.l10n.t('{0} of {1} ({2} done, {3} skipped, {4} failed)', p.completed, p.total, p.done, p.skipped, p.failed);
          progress.report({ message: line, increment });
          const r = p.last;
          // Jobs never sent (the run stopped or was cancelled) are logged once per cause at the end.
          if (r?.status === 'failed' && r.sent !== false) services.log.warn(`Batch job ${r.job.id} failed: ${r.reason ?? ''}`);
          else if (r?.status === 'done') services.log.info(`Batch job ${r.job.id} done: ${r.file ?? ''} (request id ${r.requestId ?? '?'}, ${r.costUsd !== undefined ? formatUsd(r.costUsd) : 'cost unknown'}).`);
        },
        onSchedulerEvent: (event) => {
          services.log.info(`Batch: ${connection.client.redact(describeSchedulerEvent(event))}.`);
          if (event.type === 'stopped') return;
          stopCountdown();
          const until = Date.now() + event.waitMs;
          const show = (): void => progress.report({ message: `${line} · ${describeSchedulerEvent(event, until - Date.now())}` });
          show();
          countdown = setInterval(() => (Date.now() >= until ? stopCountdown() : show()), 1000);
        },
      }).finally(stopCountdown);
    });

    const summary = summaryLine(result.report);
    for (const cause of result.report.causes) services.log.warn(`Batch ${batch.fileRelative}: ${cause.jobs} job(s) failed: ${cause.message}`);
    services.log.info(`Batch ${batch.fileRelative}: ${summary} Report: ${result.reportFiles.join(', ')}`);
    const markdown = result.reportFiles.find((f) => f.endsWith('.md'));
    const openReport = vscode.l10n.t('Open Report');
    const showLog = vscode.l10n.t('Show Log');
    const shown =
      result.report.summary.failed > 0
        ? services.ui.showWarningMessage(vscode.l10n.t('Batch {0}: {1}', batch.name, summary), openReport, showLog)
        : services.ui.showInformationMessage(vscode.l10n.t('Batch {0}: {1}', batch.name, summary), openReport);
    void Promise.resolve(shown).then(async (choice) => {
      if (choice === openReport && markdown) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(markdown));
      if (choice === showLog) services.log.show();
    });
    return { report: result.report, reportFiles: [...result.reportFiles] };
  } catch (error) {
    if (error instanceof RunDeclinedError) return undefined;
    if (error instanceof BatchLockedError) {
      // Not a failure of this run: another one is at work on the same batch.
      services.log.warn(error.message);
      void services.ui.showWarningMessage(error.message);
      return undefined;
    }
    await showFailure(services, error);
    return undefined;
  }
}
