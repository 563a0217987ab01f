/**
 * Everything the extension does, loaded by the activation shell (src/extension.ts) on first use:
 * the first command, the first batch file, the Studio coming back after a reload. Built as its own
 * bundle (dist/features.js) so that activation evaluates only the shell.
 */
import type * as vscode from 'vscode';
import { type AgentFeatures, startAgents } from './agents';
import { ApiKeyStore } from './auth/apiKeyStore';
import { startBatchDiagnostics } from './batchFiles/register';
import { COMMANDS } from './commands/registerCommands';
import { DesignSystemSource } from './host/designSystem';
import type { ReadOnlyDocuments } from './host/readOnlyDocuments';
import type { Services } from './host/services';
import { type UserInterface, windowUserInterface } from './host/ui';
import { type StudioHooks, studioHooks } from './studio/register';

export interface Features {
  /** Runs a contributed command (the shell registered its id). */
  runCommand(id: string, args: readonly unknown[]): Promise<unknown>;
  /** Brings back the Studio panel VS Code kept across a window reload (the serializer). */
  reviveStudio(panel: vscode.WebviewPanel): void;
  /** Keeps the Problems panel up to date for batch files; idempotent. */
  watchBatchFiles(): void;
  setUserInterface(ui: UserInterface | undefined): void;
  readonly studio: StudioHooks;
  /** The language model tools, @mockups and the MCP server definitions (src/agents). */
  readonly agents: AgentFeatures;
}

export function start(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, ui: UserInterface | undefined, readOnlyDocuments: ReadOnlyDocuments): Features {
  const design = new DesignSystemSource(log);
  context.subscriptions.push(design);
  const services: Services = { context, log, apiKeys: new ApiKeyStore(context.secrets), design, readOnlyDocuments, ui: ui ?? windowUserInterface };
  const studio = studioHooks(services);
  let watching = false;
  return {
    async runCommand(id, args) {
      const load = COMMANDS[id];
      if (!load) throw new Error(`Foundry Mockups has no command ${id}.`);
      const { run } = await load();
      return run(services, ...args);
    },
    reviveStudio: (panel) => void studio.revive(panel),
    watchBatchFiles() {
      if (watching) return;
      watching = true;
      startBatchDiagnostics(services);
    },
    setUserInterface(next) {
      services.ui = next ?? windowUserInterface;
    },
    studio,
    agents: startAgents(services),
  };
}
