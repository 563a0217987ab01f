import * as path from 'node:path';
import * as vscode from 'vscode';
import { sidecarFileName } from '../core/assets/sidecar';
import { type EditInput, type GenerationInput, type InputFile, parentFromSidecarText, type ParentSidecar, prepareGeneration } from '../core/generation';
import { parseRefineOptions, type RefineOptions } from '../core/options';
import { formatUsd } from '../core/pricing';
import { QUALITIES, type Quality } from '../core/vocabulary';
import { confirmEstimate } from '../host/confirmSpend';
import { connect } from '../host/connection';
import { showFailure } from '../host/failure';
import { generationEnv, requireSendable, runWithProgress } from '../host/generation';
import type { Services } from '../host/services';
import { setting } from '../host/settings';
import { findWorkspaceImages, readWorkspaceFile, resolveWorkspacePath } from '../host/workspace';

/**
 * Refine Image... on a png/jpeg: edits the image with a new prompt (and optional reference
 * images and mask) and writes the results beside it, the lineage recorded in their sidecars. The
 * edit keeps the image's context (its locale, template and style guide, from its sidecar), shows
 * the estimate and asks the quality, the parent's first. Scripts pass
 * `{ image, prompt, mask?, references?, sizes?, quality?, n?, name? }` (quality: the parent's).
 */
export function run(services: Services, target?: unknown, options?: unknown): Promise<vscode.Uri[] | undefined> {
  return runEdit(services, 'refine', target, options);
}

/** What the palette flow of an edit says, by mode. */
function texts(mode: 'refine' | 'redesign', file: string): { pick: string; title: string; prompt: string; value?: string; progress: string; done: (n: number) => string } {
  if (mode === 'redesign') {
    return {
      pick: vscode.l10n.t('Redesign Mockup: choose the screenshot or mockup to redesign'),
      title: vscode.l10n.t('Redesign {0}', file),
      prompt: vscode.l10n.t('How should it look? The workspace design system is applied (for example: the same screen in our new design system, or as a dark-mode version).'),
      value: vscode.l10n.t('The same screen in our design system'),
      progress: vscode.l10n.t('Redesigning {0}', file),
      done: (n) => vscode.l10n.t('Redesigned {0}: {1} image(s) written beside it.', file, n),
    };
  }
  return {
    pick: vscode.l10n.t('Refine Image: choose the image to refine'),
    title: vscode.l10n.t('Refine {0}', file),
    prompt: vscode.l10n.t('What should change? (for example: make the primary button green)'),
    progress: vscode.l10n.t('Refining {0}', file),
    done: (n) => vscode.l10n.t('Refined {0}: {1} image(s) written beside it.', file, n),
  };
}

/**
 * The edit commands' one flow: Refine Image (a change to the image) and Redesign Mockup (the
 * screenshot restyled with the workspace design system, at its own or the given sizes).
 */
export async function runEdit(services: Services, mode: 'refine' | 'redesign', target?: unknown, options?: unknown): Promise<vscode.Uri[] | undefined> {
  if (target !== undefined && !(target instanceof vscode.Uri)) {
    return edit(services, mode, parseRefineOptions(target), true);
  }
  if (options !== undefined && !Array.isArray(options)) {
    return edit(services, mode, parseRefineOptions({ ...(options as object), image: target?.fsPath }), true);
  }
  try {
    const image = target ?? (await pickImage(services, texts(mode, '').pick))?.uri;
    if (!image) return undefined;
    const words = texts(mode, path.basename(image.fsPath));
    const prompt = await services.ui.showInputBox({
      title: words.title,
      prompt: words.prompt,
      ...(words.value ? { value: words.value } : {}),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Describe the change.')),
    });
    if (prompt === undefined) return undefined;
    const references = await pickReferences(services, image);
    if (references === undefined) return undefined;
    const chosen: RefineOptions = { image: image.fsPath, prompt, references: references.map((r) => r.fsPath) };
    const quality = await pickQuality(services, mode, chosen);
    if (quality === undefined) return undefined;
    return await edit(services, mode, { ...chosen, quality }, false);
  } catch (error) {
    await showFailure(services, error);
    return undefined;
  }
}

/** The use case's input for an edit: the image, its parent context, references and mask. */
async function editInput(mode: 'refine' | 'redesign', options: RefineOptions): Promise<GenerationInput> {
  const image = resolveWorkspacePath(options.image);
  const edit: EditInput = {
    mode,
    image: await readInput(options.image),
    references: await Promise.all((options.references ?? []).map(readInput)),
    ...(options.mask ? { mask: await readInput(options.mask) } : {}),
    ...(await parentOf(image.relative)),
  };
  const folder = resolveWorkspacePath(path.dirname(image.absolute), 'write');
  return {
    prompt: options.prompt,
    folder: folder.absolute,
    folderRelative: folder.relative,
    ...(options.sizes ? { sizes: options.sizes } : {}),
    ...(options.quality ? { quality: options.quality } : {}),
    ...(options.n ? { n: options.n } : {}),
    ...(options.name ? { name: options.name } : {}),
    partialImages: 0,
    inpaintSeam: setting('inpaintSeam'),
    edit,
  };
}

async function edit(services: Services, mode: 'refine' | 'redesign', options: RefineOptions, rejectOnFailure: boolean): Promise<vscode.Uri[]> {
  try {
    const connection = await connect(services);
    const prepared = prepareGeneration(await editInput(mode, options), await generationEnv(services, connection.settings.model));
    requireSendable(prepared);
    if (!(await confirmEstimate(services, prepared.estimate, mode === 'redesign' ? vscode.l10n.t('Redesign') : vscode.l10n.t('Refine')))) return [];
    const words = texts(mode, path.basename(options.image));
    const result = await runWithProgress(services, connection, prepared, words.progress);
    void services.ui.showInformationMessage(words.done(result.mockups.length));
    return result.mockups.map((m) => vscode.Uri.file(m.file));
  } catch (error) {
    const retry = (): Promise<vscode.Uri[]> => edit(services, mode, options, false);
    if (rejectOnFailure) {
      void showFailure(services, error, retry);
      throw error;
    }
    await showFailure(services, error, retry);
    return [];
  }
}

/** Asks the quality, each with the refine's estimate; the parent's quality is focused. */
async function pickQuality(services: Services, mode: 'refine' | 'redesign', options: RefineOptions): Promise<Quality | undefined> {
  const input = await editInput(mode, options);
  const env = await generationEnv(services);
  const inherited = input.edit?.parent?.request?.quality;
  const items = QUALITIES.map((quality) => {
    const estimate = prepareGeneration({ ...input, quality }, env).estimate;
    const price = estimate.usd !== undefined ? vscode.l10n.t('about {0}', formatUsd(estimate.usd)) : (estimate.missing ?? '');
    return { label: quality, description: quality === inherited ? `${price} · ${vscode.l10n.t('as the image')}` : price, value: quality };
  });
  const picked = await services.ui.pickOne(items, { title: vscode.l10n.t('{0}: quality', texts(mode, path.basename(options.image)).title), ignoreFocusOut: true }, items.find((i) => i.value === inherited));
  return picked?.value;
}

/** The edited image's sidecar, when it has one of ours. */
async function parentOf(relative: string): Promise<{ parent?: ParentSidecar }> {
  try {
    const { bytes } = await readWorkspaceFile(sidecarFileName(relative));
    const parent = parentFromSidecarText(new TextDecoder().decode(bytes));
    return parent ? { parent } : {};
  } catch {
    return {};
  }
}

async function readInput(requested: string): Promise<InputFile> {
  const { path: where, bytes } = await readWorkspaceFile(requested);
  if (!/\.(png|jpe?g)$/i.test(where.absolute)) {
    throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image: refine and reference only png, jpg or jpeg files.', where.relative));
  }
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
