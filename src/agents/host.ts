import type * as vscode from 'vscode';
import type { AgentHost } from '../core/agents';
import { configuredModel, connect } from '../host/connection';
import { generationEnv } from '../host/generation';
import { type Services, toolVersion } from '../host/services';
import { outputFolder } from '../host/settings';

/** The workspace folders on disk (the extension host reads and writes them with Node). */
export function workspaceRoots(folders: readonly vscode.WorkspaceFolder[] | undefined): string[] {
  return (folders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/**
 * The agent layer's host in VS Code: the open workspace folders, the configured output folder,
 * presets, prices and style guide (host/generation), and the user's connection (host/connection,
 * which offers Configure Connection or Sign In when something is missing).
 */
export function vscodeAgentHost(services: Services, folders: () => readonly vscode.WorkspaceFolder[] | undefined): AgentHost {
  return {
    roots: () => Promise.resolve(workspaceRoots(folders())),
    outputFolder: () => outputFolder(),
    model: () => configuredModel(),
    env: (model) => generationEnv(services, model),
    connect: async () => {
      const ready = await connect(services);
      return { client: ready.client, info: ready.info, pricing: ready.pricing, model: ready.settings.model };
    },
    toolVersion: toolVersion(services),
  };
}
