import * as path from 'node:path';
import * as vscode from 'vscode';
import { sidecarFileName } from '../../core/assets/sidecar';
import { isFoundryError } from '../../core/foundry';
import { describeRetry, type GenerationEnv, type GenerationInput, type InputFile, prepareGeneration, type PreparedGeneration, runGeneration, type WrittenMockup } from '../../core/generation';
import { historyEntryOf, type ReuseSettings } from '../../core/studio/history';
import { decodeBase64 } from '../../core/studio/mask';
import type { ModelFamily } from '../../core/vocabulary';
import { confirmEstimate } from '../../host/confirmSpend';
import { failureActionLabel, failureActions, type KeptFailure } from '../../host/failure';
import { configuredPricing, connect, NotConnectedError, type ReadyConnection } from '../../host/connection';
import { generationEnv, requireSendable } from '../../host/generation';
import { loadPresets } from '../../host/presets';
import { toolVersion } from '../../host/services';
import { setting } from '../../host/settings';
import { readWorkspaceFile, resolveWorkspacePath } from '../../host/workspace';
import type { Handlers } from '../dispatch';
import { toItem, workspaceRelative } from '../history';
import type { Draft, FailureInfo, MockupItem, ResponseBody, SizePlanInfo, WebviewMessage } from '../protocol';
import type { StudioSession } from '../session';
import { studioModel } from './init';

/** Partial images larger than this (as a data URL) are not forwarded to the webview. */
export const MAX_PARTIAL_DATA_URL_CHARS = 16 * 1024 * 1024;

/**
 * Plan, generate, edit and cancel: thin adapters over the core use case (prepareGeneration,
 * runGeneration). The webview only shows what these post.
 */
export function composeHandlers(session: StudioSession): Pick<Handlers, 'plan' | 'generate' | 'edit' | 'cancel' | 'regenerate'> {
  const { services } = session;

  /** The environment of the use case; a style guide that cannot be read is shown by init and left out here. */
  const env = async (model: ModelFamily): Promise<GenerationEnv> =>
    generationEnv(services, model).catch(async () => ({ model, catalogue: await loadPresets(services), pricing: configuredPricing(model) }));

  /** Runs the use case, forwarding its previews, progress, retries and results to the webview. */
  const run = async (jobId: number, signal: AbortSignal, connection: ReadyConnection, prepared: PreparedGeneration): Promise<void> => {
    let written = 0;
    // Results are posted in order, and all of them before the job's end (also when a later request fails).
    let posting = Promise.resolve();
    const itemOf = async (mockup: WrittenMockup): Promise<MockupItem> => {
      const entry = historyEntryOf(mockup.sidecar, workspaceRelative(sidecarFileName(mockup.file)));
      return toItem(session.imageUri(mockup.file), mockup.file, entry, await session.history.chainOf(mockup.file), await session.designSha256());
    };
    // While the service asks to wait, the tile counts the wait down (as the notification does).
    let countdown: ReturnType<typeof setInterval> | undefined;
    const stopCountdown = (): void => {
      if (countdown !== undefined) clearInterval(countdown);
      countdown = undefined;
    };
    const result = await runGeneration(prepared, { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: toolVersion(services), signal }, (event) => {
      if (event.type !== 'retrying') stopCountdown();
      switch (event.type) {
        case 'requestStarted':
          session.post({ type: 'progress', jobId, request: event.index, variant: 1, message: vscode.l10n.t('Sending {0}', event.request.plan.explanation) });
          return;
        case 'partial': {
          const key = `${jobId}-${event.index}-${event.variant}-${event.partialIndex}`;
          session.post({ type: 'progress', jobId, request: event.index, variant: event.variant, message: vscode.l10n.t('Preview {0} of variant {1}', event.partialIndex + 1, event.variant) });
          if (!session.isReady()) return;
          const dataUrl = `data:image/${event.format === 'jpeg' ? 'jpeg' : event.format};base64,${Buffer.from(event.bytes).toString('base64')}`;
          if (dataUrl.length > MAX_PARTIAL_DATA_URL_CHARS) return;
          session.partialArrivals.set(key, performance.now());
          if (session.partialArrivals.size > 100) session.partialArrivals.delete(session.partialArrivals.keys().next().value as string);
          session.post({ type: 'partial', jobId, key, request: event.index, variant: event.variant, index: event.partialIndex, dataUrl });
          return;
        }
        case 'retrying': {
          services.log.info(`Studio: ${event.message}`);
          stopCountdown();
          const show = (): void => session.post({ type: 'progress', jobId, request: event.index, variant: 1, message: describeRetry(event.notice, event.retryAt - Date.now()) });
          show();
          countdown = setInterval(() => (Date.now() >= event.retryAt ? stopCountdown() : show()), 1000);
          return;
        }
        case 'requestDone':
          for (const warning of event.outcome.warnings) services.log.warn(warning);
          services.log.info(`Studio: ${event.log}`);
          written += event.outcome.mockups.length;
          posting = posting.then(async () => session.post({ type: 'result', jobId, request: event.index, items: await Promise.all(event.outcome.mockups.map(itemOf)) }));
          return;
      }
    }).finally(() => {
      stopCountdown();
      return posting;
    });
    const spentUsd = session.spend(result.costUsd ?? 0);
    session.post({ type: 'jobDone', jobId, cancelled: false, written, ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}), spentUsd });
  };

  /**
   * Shows a failed job in the banner with the actions its notification would offer (the one
   * mapping, failureActions); the error and `retry` (the same request again) are kept for them.
   */
  const fail = (jobId: number, error: unknown, retry: (() => Promise<void>) | undefined): void => {
    if (isFoundryError(error) && error.kind === 'cancelled') {
      session.post({ type: 'jobDone', jobId, cancelled: true, written: 0, spentUsd: session.spend(0) });
      return;
    }
    const kept: KeptFailure = { error, ...(retry ? { retry } : {}) };
    const info: FailureInfo = {
      id: session.keepFailure(kept),
      message: error instanceof Error ? error.message : String(error),
      kind: isFoundryError(error) ? error.kind : error instanceof NotConnectedError ? 'notConnected' : error instanceof MaskError ? 'mask' : 'error',
      ...(isFoundryError(error) && error.requestId ? { requestId: error.requestId } : {}),
      actions: failureActions(error, retry !== undefined).map((action) => ({ action, label: failureActionLabel(action) })),
    };
    services.log.error(`Studio: ${info.message}${info.requestId ? ` (request id ${info.requestId})` : ''}`);
    session.post({ type: 'jobFailed', jobId, error: info });
  };

  /**
   * A job from confirmation to its end: `prepare` builds the request, then the user confirms the
   * estimate. A failure keeps the job's arguments (the prompt and settings it was sent with) so that
   * Retry sends the same request again, whatever the user has composed since.
   */
  const job = async (mode: 'generate' | 'refine' | 'inpaint', labels: (prepared: PreparedGeneration) => readonly string[], variants: number, prepare: (connection: ReadyConnection) => Promise<PreparedGeneration>): Promise<void> => {
    const { jobId, signal } = session.startJob();
    try {
      const connection = await connect(services);
      const prepared = await prepare(connection);
      if (!(await confirmEstimate(services, prepared.estimate, vscode.l10n.t('Generate')))) {
        session.post({ type: 'jobDone', jobId, cancelled: true, written: 0, spentUsd: session.spend(0) });
        return;
      }
      session.post({ type: 'jobStarted', jobId, mode, requests: labels(prepared), variants });
      await run(jobId, signal, connection, prepared);
    } catch (error) {
      // A refused mask or edit input fails the same way again: there is nothing to retry.
      fail(jobId, error, error instanceof MaskError ? undefined : () => job(mode, labels, variants, prepare));
    } finally {
      session.endJob(jobId);
      session.history.invalidate();
    }
  };

  return {
    plan: async (message) => planned(await prepareOrProblem(async () => prepareGeneration(await withAnchor(draftInput(message.draft), message.anchor), await env(studioModel().model)))),
    generate: (message) =>
      job('generate', (prepared) => prepared.requests.map((r) => r.label), message.draft.n, async (connection) => {
        const prepared = prepareGeneration(await withAnchor(draftInput(message.draft), message.anchor), await generationEnv(services, connection.settings.model));
        requireSendable(prepared);
        return prepared;
      }),
    edit: (message) =>
      job(message.mode, () => [`${message.mode === 'inpaint' ? 'Inpaint' : 'Refine'} ${path.basename(message.image)}`], message.n, async (connection) => {
        const prepared = prepareGeneration(await editInput(session, message), await generationEnv(services, connection.settings.model));
        if (prepared.problems.length > 0) throw new MaskError(prepared.problems.join(' '));
        return prepared;
      }),
    cancel: (message) => session.cancelJob(message.jobId),
    regenerate: async (message) => {
      if (!session.wasShown(message.file)) throw new Error(vscode.l10n.t('{0} is not an image the Studio showed; pick it in the Studio first.', path.basename(message.file)));
      const entry = await session.history.entryOf(message.file);
      if (!entry?.promptTyped && !entry?.reuse.template) throw new Error(vscode.l10n.t('{0} has no sidecar with its prompt: there is nothing to make again.', path.basename(message.file)));
      // A generation sent with the set's anchor is recorded as an edit without a parent: it is made again with the same anchor.
      if (entry.operation === 'edit' && (entry.parentFile !== undefined || entry.anchorFile === undefined)) throw new Error(vscode.l10n.t('{0} is an edit: refine its parent again instead, which sends the current design system too.', path.basename(message.file)));
      const draft = draftOf(entry.reuse, entry.locale, workspaceRelative(path.dirname(message.file)) || '.');
      await job('generate', (prepared) => prepared.requests.map((r) => r.label), draft.n, async (connection) => {
        const prepared = prepareGeneration(await withAnchor(draftInput(draft), entry.anchorFile), await generationEnv(services, connection.settings.model));
        requireSendable(prepared);
        return prepared;
      });
    },
  };
}

/** What a sidecar's settings compose again: the same prompt, template, locale, size and options, one variant, into the same folder. */
function draftOf(reuse: ReuseSettings, locale: string | undefined, folder: string): Draft {
  return {
    prompt: reuse.prompt ?? '',
    ...(reuse.template ? { template: reuse.template } : {}),
    locales: reuse.locales ?? (locale ? [locale] : []),
    verbatim: {},
    sizes: reuse.sizes ?? [],
    quality: reuse.quality ?? 'medium',
    format: reuse.format ?? 'png',
    background: reuse.background ?? 'auto',
    ...(reuse.compression !== undefined ? { compression: reuse.compression } : {}),
    n: 1,
    fit: reuse.fit ?? 'cover',
    partialImages: 0,
    folder,
  };
}

/** The use case's input for what the user composed. */
function draftInput(draft: Draft): GenerationInput {
  const folder = resolveWorkspacePath(draft.folder, 'write');
  return {
    prompt: draft.prompt,
    ...(draft.template ? { template: draft.template } : {}),
    locales: draft.locales,
    verbatim: draft.verbatim,
    sizes: draft.sizes.length ? draft.sizes : ['auto'],
    fit: draft.fit,
    quality: draft.quality,
    n: draft.n,
    format: draft.format,
    ...(draft.format === 'jpeg' && draft.compression !== undefined ? { compression: draft.compression } : {}),
    background: draft.background,
    ...(draft.partialImages !== undefined ? { partialImages: draft.partialImages } : {}),
    folder: folder.absolute,
    folderRelative: folder.relative,
    sizeInName: true,
  };
}

/** The input with the set's anchor, read through the workspace resolver as an edit's images are. */
async function withAnchor(input: GenerationInput, anchor: string | undefined): Promise<GenerationInput> {
  if (anchor === undefined) return input;
  try {
    return { ...input, anchor: await readInput(anchor) };
  } catch (error) {
    throw new Error(vscode.l10n.t('The anchor {0} cannot be used: {1}', path.basename(anchor), error instanceof Error ? error.message : String(error)));
  }
}

/** An edit's input: the image and references read through the workspace resolver, the parent's sidecar for its context. */
async function editInput(session: StudioSession, message: WebviewMessage<'edit'>): Promise<GenerationInput> {
  const image = await readInput(message.image);
  const references = await Promise.all(message.references.map((r) => readInput(r)));
  const parent = await session.history.sidecarOf(message.image);
  const folder = resolveWorkspacePath(path.dirname(message.image), 'write');
  return {
    prompt: message.prompt,
    quality: message.quality,
    n: message.n,
    ...(message.partialImages !== undefined ? { partialImages: message.partialImages } : {}),
    folder: folder.absolute,
    folderRelative: folder.relative,
    inpaintSeam: setting('inpaintSeam'),
    edit: {
      mode: message.mode,
      image,
      references,
      // A painted mask is written beside the result only once the service has answered.
      ...(message.mask !== undefined ? { mask: { painted: true, bytes: decodeBase64(message.mask) } } : {}),
      ...(parent ? { parent } : {}),
    },
  };
}

type Prepared = { ok: true; prepared: PreparedGeneration } | { ok: false; problem: string };

async function prepareOrProblem(prepare: () => Promise<PreparedGeneration>): Promise<Prepared> {
  try {
    return { ok: true, prepared: await prepare() };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The answer to `plan`: the use case's plans, composed prompts and estimate as the app shows them. */
function planned(result: Prepared): ResponseBody<'plan'> {
  if (!result.ok) {
    const message = result.problem;
    return { type: 'planned', sizes: [], composed: [], requests: 0, images: 0, missing: message, previewsUsd: 0, previewsPerImage: 0, summary: message, warnings: [], error: message };
  }
  const { prepared } = result;
  const sizes: SizePlanInfo[] = prepared.plans.map((p) =>
    p.ok ? { ...p.info, ok: true } : { size: p.text, ok: false, target: p.problem, generation: '', badge: '', explanation: '', warnings: [] },
  );
  const composed = prepared.composed.map((c) => ({ ...(c.locale ? { locale: c.locale } : {}), parts: c.parts, sentChars: c.sent.length }));
  const { estimate } = prepared;
  const promptProblem = prepared.problems.find((p) => !prepared.plans.some((candidate) => !candidate.ok && candidate.problem === p));
  return {
    type: 'planned',
    sizes,
    composed,
    requests: estimate.requests,
    images: estimate.images,
    ...(estimate.usd !== undefined ? { estimateUsd: estimate.usd } : {}),
    ...(estimate.missing ? { missing: estimate.missing } : {}),
    previewsUsd: estimate.previewsUsd,
    previewsPerImage: estimate.previewsPerImage,
    summary: estimate.summary,
    warnings: prepared.warnings,
    ...(promptProblem ? { error: promptProblem } : {}),
  };
}

class MaskError extends Error {
  override readonly name = 'MaskError';
}

async function readInput(absolute: string): Promise<InputFile> {
  if (!/\.(png|jpe?g)$/i.test(absolute)) throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image: edits take only png, jpg or jpeg files.', path.basename(absolute)));
  const { path: where, bytes } = await readWorkspaceFile(absolute);
  return { bytes, file: where.relative };
}
