import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { StudioPanel } from '../studio/studioPanel';

/**
 * Open Studio: the command palette opens (or reveals) the Studio; the explorer's Open in Studio on
 * a png/jpeg opens it with that image selected for refining.
 */
export function run(services: Services, target?: unknown): undefined {
  const openedAt = performance.now();
  StudioPanel.show(services, { openedAt, ...(target instanceof vscode.Uri ? { select: target } : {}) });
  return undefined;
}
