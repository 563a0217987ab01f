import * as path from 'node:path';
import * as vscode from 'vscode';
import { readImageInfo } from '../../core/foundry';
import { assertNoSecret, requestAsCode, type RequestSpec } from '../../core/studio/requestCode';
import { readConnectionSettings } from '../../host/connection';
import type { Services } from '../../host/services';
import { findWorkspaceImages, resolveWorkspacePath } from '../../host/workspace';
import type { Handlers } from '../dispatch';
import { toItem, workspaceRelative } from '../history';
import type { CodeLanguage, MockupItem } from '../protocol';
import type { StudioSession } from '../session';

/**
 * The files the Studio shows: the image picker's list, selecting one to refine, and the actions on
 * a result. Opening, revealing and copying act only on images (and their sidecars) the Studio
 * showed, so a message cannot make it open any file of the workspace.
 */
export function fileHandlers(session: StudioSession): Pick<Handlers, 'listImages' | 'select' | 'openFile' | 'reveal' | 'copyPrompt' | 'copyCode'> {
  const { services } = session;
  const shown = (file: string): void => {
    if (!session.wasShown(file)) throw new Error(vscode.l10n.t('{0} is not an image the Studio showed; pick it in the Studio first.', path.basename(file)));
  };
  return {
    listImages: async () => ({ type: 'images', items: await workspaceImages(session) }),
    select: async (message) => ({ type: 'selected', item: await selectedItem(session, message.file), focus: 'refine' }),
    openFile: async (message) => {
      shown(message.file);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.file), { viewColumn: vscode.ViewColumn.Beside, preview: true });
    },
    reveal: async (message) => {
      shown(message.file);
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(message.file));
    },
    copyPrompt: async (message) => {
      shown(message.file);
      const entry = await session.history.entryOf(message.file);
      if (!entry?.promptTyped) throw new Error(vscode.l10n.t('{0} has no sidecar with a prompt.', path.basename(message.file)));
      await vscode.env.clipboard.writeText(entry.promptTyped);
      session.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Prompt copied.') });
    },
    copyCode: async (message) => {
      shown(message.file);
      const code = await requestCode(services, message.file, message.language);
      await vscode.env.clipboard.writeText(code).then(undefined, () => session.post({ type: 'notice', level: 'error', message: vscode.l10n.t('The code could not be copied to the clipboard; select it in the Studio instead.') }));
      return { type: 'code', language: message.language, text: code };
    },
  };
}

/** Shows `file` in the Studio, ready to refine or inpaint (the explorer's Open in Studio). */
export async function selectImage(session: StudioSession, file: string, focus: 'refine' | 'inpaint'): Promise<void> {
  session.post({ type: 'selected', item: await selectedItem(session, file), focus });
}

/** `file` as the Studio shows it, with what its sidecar says (or its size read from the image). */
async function selectedItem(session: StudioSession, file: string): Promise<MockupItem> {
  const absolute = resolveWorkspacePath(file).absolute;
  if (!/\.(png|jpe?g)$/i.test(absolute)) throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image.', path.basename(absolute)));
  const entry = await session.history.entryOf(absolute);
  let item = toItem(session.imageUri(absolute), absolute, entry, await session.history.chainOf(absolute), await session.designSha256());
  if (!entry) {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(absolute));
    const info = readImageInfo(bytes);
    if (info) item = { ...item, width: info.width, height: info.height, sizeLabel: `${info.width}x${info.height}` };
  }
  return item;
}

async function workspaceImages(session: StudioSession): Promise<Array<{ file: string; uri: string }>> {
  // Masks the Studio saved beside their images are not pictures to pick.
  const found = (await findWorkspaceImages(500)).filter((uri) => !/-mask(-\d+)?\.png$/i.test(uri.fsPath));
  session.allowFoldersOf(found.map((uri) => uri.fsPath));
  return found.map((uri) => ({ file: workspaceRelative(uri.fsPath), uri: session.imageUri(uri.fsPath) })).sort((a, b) => a.file.localeCompare(b.file));
}

/** The request that made `file`, as code to run outside VS Code (never with the key in it). */
async function requestCode(services: Services, file: string, language: CodeLanguage): Promise<string> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(`${file}.mockup.json`)).then(undefined, () => new Uint8Array()));
  let sidecar: { prompt?: { sent?: unknown }; request?: Record<string, unknown>; lineage?: { parent?: { file?: unknown }; references?: Array<{ file?: unknown }>; anchor?: { file?: unknown }; mask?: { file?: unknown } } };
  try {
    sidecar = JSON.parse(text) as typeof sidecar;
  } catch {
    throw new Error(vscode.l10n.t('{0} has no sidecar describing its request.', path.basename(file)));
  }
  const read = readConnectionSettings();
  if (!('settings' in read)) throw new Error(vscode.l10n.t('Configure the connection first: the code names your endpoint and deployment.'));
  const { settings } = read;
  const request = sidecar.request ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const edit = request.operation === 'edit';
  const spec: RequestSpec = {
    endpoint: settings.endpoint,
    deployment: settings.deployment,
    apiMode: settings.apiMode,
    ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
    operation: edit ? 'edit' : 'generate',
    prompt: str(sidecar.prompt?.sent) ?? '',
    size: str(request.size) ?? 'auto',
    ...(str(request.quality) ? { quality: str(request.quality) } : {}),
    ...(num(request.n) !== undefined ? { n: 1 } : {}),
    ...(str(request.outputFormat) ? { outputFormat: str(request.outputFormat) } : {}),
    ...(num(request.outputCompression) !== undefined ? { outputCompression: num(request.outputCompression) } : {}),
    ...(str(request.background) ? { background: str(request.background) } : {}),
    ...(edit
      ? {
          // In the order they were sent: the edited image, its references, the set's anchor.
          images: [str(sidecar.lineage?.parent?.file), ...(sidecar.lineage?.references ?? []).map((r) => str(r.file)), str(sidecar.lineage?.anchor?.file)].filter((f): f is string => !!f),
          ...(str(sidecar.lineage?.mask?.file) ? { mask: str(sidecar.lineage?.mask?.file) } : {}),
        }
      : {}),
  };
  const key = await Promise.resolve(services.apiKeys.get()).catch(() => undefined);
  return assertNoSecret(requestAsCode(language, spec), [key]);
}
