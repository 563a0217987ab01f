import type * as vscode from 'vscode';
import type { Services } from '../host/services';
import { type StudioProbe, StudioPanel } from './studioPanel';

/** What the extension's API exposes of the Studio, for its integration tests and benchmark. */
export interface StudioHooks {
  /** The open Studio panel, if any. */
  current(): StudioProbe | undefined;
  /** What the serializer does with the panel VS Code hands back after a window reload (tests call it directly). */
  revive(panel: vscode.WebviewPanel): StudioProbe;
}

/**
 * The Studio's hooks. The activation shell registers the serializer that brings the panel back
 * after a window reload and calls `revive`; the open command (src/commands/openStudio.ts) creates
 * the panel on demand.
 */
export function studioHooks(services: Services): StudioHooks {
  return { current: () => StudioPanel.current, revive: (panel) => StudioPanel.revive(services, panel) };
}
