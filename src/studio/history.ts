import * as path from 'node:path';
import * as vscode from 'vscode';
import { SIDECAR_SUFFIX } from '../core/assets/sidecar';
import { parentFromSidecarText, type ParentSidecar } from '../core/generation';
import { designStatus, type HistoryEntry, lineageChain, MAX_SIDECAR_BYTES, parseHistoryEntry } from '../core/studio/history';
import type { MockupItem } from './protocol';

/** At most this many sidecars are read for the history. */
export const MAX_HISTORY_FILES = 2000;

/** Workspace-relative path (forward slashes) for files in the first folder, else the absolute path. */
export function workspaceRelative(absolute: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (root) {
    const relative = path.relative(root, absolute);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  return absolute;
}

export function workspaceAbsolute(file: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  return path.isAbsolute(file) ? file : path.join(root, file);
}

/**
 * The workspace's mockups read from their sidecars (`**\/*.mockup.json`, bounded), cached until
 * `invalidate` (after a generation) or a few seconds pass.
 */
export class HistoryIndex {
  private cache: { at: number; entries: HistoryEntry[] } | undefined;

  invalidate(): void {
    this.cache = undefined;
  }

  async entries(): Promise<HistoryEntry[]> {
    if (this.cache && Date.now() - this.cache.at < 5000) return this.cache.entries;
    const uris = await vscode.workspace.findFiles(`**/*${SIDECAR_SUFFIX}`, '**/node_modules/**', MAX_HISTORY_FILES);
    const entries: HistoryEntry[] = [];
    for (let i = 0; i < uris.length; i += 32) {
      const batch = await Promise.all(uris.slice(i, i + 32).map((uri) => this.read(uri)));
      for (const entry of batch) if (entry) entries.push(entry);
    }
    this.cache = { at: Date.now(), entries };
    return entries;
  }

  private async read(uri: vscode.Uri): Promise<HistoryEntry | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_SIDECAR_BYTES) return undefined;
      // The sidecar is written before its image: without the image the group is incomplete
      // (being written, or left by a killed run) and not shown.
      await vscode.workspace.fs.stat(vscode.Uri.file(uri.fsPath.slice(0, -SIDECAR_SUFFIX.length)));
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      return parseHistoryEntry(text, workspaceRelative(uri.fsPath));
    } catch {
      return undefined;
    }
  }

  /** The entry of one image, read from its sidecar now (not cached). */
  async entryOf(absoluteImage: string): Promise<HistoryEntry | undefined> {
    return this.read(vscode.Uri.file(`${absoluteImage}${SIDECAR_SUFFIX}`));
  }

  /** What an edit of `absoluteImage` inherits from its sidecar (locale, template, quality). */
  async sidecarOf(absoluteImage: string): Promise<ParentSidecar | undefined> {
    try {
      const uri = vscode.Uri.file(`${absoluteImage}${SIDECAR_SUFFIX}`);
      if ((await vscode.workspace.fs.stat(uri)).size > MAX_SIDECAR_BYTES) return undefined;
      return parentFromSidecarText(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch {
      return undefined;
    }
  }

  /** The chain of edits that led to `absoluteImage`, following each sidecar's parent. */
  async chainOf(absoluteImage: string): Promise<MockupItem['chain']> {
    const byFile = new Map<string, HistoryEntry>();
    let current: string | undefined = absoluteImage;
    for (let steps = 0; current && steps < 20; steps++) {
      const entry = await this.entryOf(workspaceAbsolute(current));
      if (!entry) break;
      byFile.set(entry.file, entry);
      current = entry.parentFile && !byFile.has(entry.parentFile) ? entry.parentFile : undefined;
    }
    return lineageChain(workspaceRelative(absoluteImage), byFile);
  }
}

/** A history entry (or a bare image) as the webview shows it; `uri` is the image's webview URI. */
/** `designSha256`: the workspace design system's version now, to mark mockups made with an older one. */
export function toItem(uri: string, absoluteImage: string, entry: HistoryEntry | undefined, chain: MockupItem['chain'], designSha256?: string): MockupItem {
  if (!entry) {
    return { file: workspaceRelative(absoluteImage), uri, name: path.basename(absoluteImage), sizeLabel: '', chain, described: false };
  }
  const { sidecarFile: _sidecar, parentFile: _parent, reuse, ...rest } = entry;
  const status = designStatus(entry, designSha256);
  return { ...rest, file: workspaceRelative(absoluteImage), uri, chain, reuse, described: true, ...(status ? { designStatus: status } : {}) };
}
