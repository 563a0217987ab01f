import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { STUDIO_VIEW_TYPE } from './protocol';
import { type StudioProbe, StudioPanel } from './studioPanel';

/** What the extension's API exposes of the Studio, for its integration tests and benchmark. */
export interface StudioHooks {
  /** The open Studio panel, if any. */
  current(): StudioProbe | undefined;
  /** What the serializer does with the panel VS Code hands back after a window reload (tests call it directly). */
  revive(panel: vscode.WebviewPanel): StudioProbe;
}

/**
 * Registers what the Studio needs at activation: the serializer that brings the panel back after
 * a window reload. The open command (src/commands/openStudio.ts) creates it on demand.
 */
export function registerStudio(services: Services): StudioHooks {
  const revive = (panel: vscode.WebviewPanel): StudioProbe => StudioPanel.revive(services, panel);
  services.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel) => {
        revive(panel);
        return Promise.resolve();
      },
    }),
  );
  return { current: () => StudioPanel.current, revive };
}
