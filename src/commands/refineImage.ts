import * as path from 'node:path';
import * as vscode from 'vscode';
import { connect } from '../connection';
import { editStem } from '../core/assets/naming';
import { readImageInfo } from '../core/foundry';
import type { InputFile, MockupRequest } from '../core/mockups';
import { parseRefineOptions, type RefineOptions } from '../core/options';
import { planSize } from '../core/sizes/planner';
import { pixelTarget } from '../core/sizes/target';
import { loadPresets } from '../presetSource';
import type { Services } from '../services';
import { findWorkspaceImages, resolveWorkspacePath, type WorkspacePath } from '../workspace';
import { planAll, runRequests } from './shared/generation';
import { showFailure } from './shared/failure';

/**
 * Refine Image... on a png/jpeg: edits the image with a new prompt (and optional reference
 * images and mask) and writes the results beside it, the lineage recorded in their sidecars.
 * Scripts pass `{ image, prompt, mask?, references?, sizes?, quality?, n?, name? }`.
 */
export async function run(services: Services, target?: unknown, options?: unknown): Promise<vscode.Uri[] | undefined> {
  if (target !== undefined && !(target instanceof vscode.Uri)) {
    return refine(services, parseRefineOptions(target), true);
  }
  if (options !== undefined && !Array.isArray(options)) {
    return refine(services, parseRefineOptions({ ...(options as object), image: target?.fsPath }), true);
  }
  try {
    const image = target ?? (await pickImage(services, vscode.l10n.t('Refine Image: choose the image to refine')))?.uri;
    if (!image) return undefined;
    const prompt = await services.ui.showInputBox({
      title: vscode.l10n.t('Refine {0}', path.basename(image.fsPath)),
      prompt: vscode.l10n.t('What should change? (for example: make the primary button green)'),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Describe the change.')),
    });
    if (prompt === undefined) return undefined;
    const references = await pickReferences(services, image);
    if (references === undefined) return undefined;
    return await refine(services, { image: image.fsPath, prompt, references: references.map((r) => r.fsPath) }, false);
  } catch (error) {
    await showFailure(services, error);
    return undefined;
  }
}

async function refine(services: Services, options: RefineOptions, rejectOnFailure: boolean): Promise<vscode.Uri[]> {
  try {
    const connection = await connect(services);
    const image = resolveWorkspacePath(options.image);
    const input = await readInput(image);
    // The header gives the size and format; no need to decode the image for that.
    const info = readImageInfo(input.bytes);
    if (!info || info.contentType === 'image/webp') throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image that can be read.', image.relative));
    const references = await Promise.all((options.references ?? []).map((r) => readInput(resolveWorkspacePath(r))));
    const mask = options.mask ? await readInput(resolveWorkspacePath(options.mask)) : undefined;
    const plans = options.sizes
      ? planAll(options.sizes, await loadPresets(services), connection.settings.model)
      : [planSize(pixelTarget(info.width, info.height), connection.settings.model)];
    const stem = editStem(image.absolute);
    const requests: MockupRequest[] = plans.map((plan) => ({
      promptTyped: options.prompt,
      promptSent: options.prompt,
      plan,
      folder: path.dirname(image.absolute),
      name: options.name ?? `${stem}-refined`,
      sizeInName: plans.length > 1,
      outputFormat: info.contentType === 'image/jpeg' ? 'jpeg' : 'png',
      ...(options.quality ? { quality: options.quality } : {}),
      ...(options.n ? { n: options.n } : {}),
      edit: { image: input, references, ...(mask ? { mask } : {}) },
    }));
    const written = await runRequests(services, connection, requests, vscode.l10n.t('Refining {0}', path.basename(image.absolute)));
    void services.ui.showInformationMessage(vscode.l10n.t('Refined {0}: {1} image(s) written beside it.', path.basename(image.absolute), written.length));
    return written.map((m) => vscode.Uri.file(m.file));
  } catch (error) {
    const retry = (): Promise<vscode.Uri[]> => refine(services, options, false);
    if (rejectOnFailure) {
      void showFailure(services, error, retry);
      throw error;
    }
    await showFailure(services, error, retry);
    return [];
  }
}

async function readInput(where: WorkspacePath): Promise<InputFile> {
  if (!/\.(png|jpe?g)$/i.test(where.absolute)) {
    throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image: refine and reference only png, jpg or jpeg files.', where.relative));
  }
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(where.absolute));
  return { bytes, file: where.relative };
}

interface ImageItem extends vscode.QuickPickItem {
  readonly uri: vscode.Uri;
}

async function workspaceImages(exclude?: vscode.Uri): Promise<ImageItem[]> {
  return (await findWorkspaceImages(500))
    .filter((uri) => uri.fsPath !== exclude?.fsPath)
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
}

async function pickImage(services: Services, title: string): Promise<ImageItem | undefined> {
  return services.ui.pickOne(await workspaceImages(), { title, matchOnDescription: true });
}

async function pickReferences(services: Services, image: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  const items = await workspaceImages(image);
  if (items.length === 0) return [];
  const none: ImageItem = { label: vscode.l10n.t('No reference images'), uri: image, alwaysShow: true };
  const picked = await services.ui.pickMany([none, ...items], {
    title: vscode.l10n.t('Reference images (optional)'),
    placeHolder: vscode.l10n.t('Pick workspace images whose style or content the edit should follow, or none'),
    matchOnDescription: true,
  });
  if (picked === undefined) return undefined;
  return picked.filter((p) => p !== none).map((p) => p.uri);
}

