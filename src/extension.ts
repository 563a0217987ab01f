import * as vscode from 'vscode';
import { ApiKeyStore } from './auth/apiKeyStore';
import { registerBatch } from './batch/register';
import { registerCommands } from './commands/registerCommands';
import type { Services } from './host/services';
import { registerStudio, type StudioHooks } from './studio/register';
import { type UserInterface, windowUserInterface } from './host/ui';

/** What the extension exports to other extensions and to its own integration tests. */
export interface FoundryMockupsApi {
  /** Milliseconds `activate` took, measured inside it. */
  readonly activationMs: number;
  /** Replaces the window prompts and messages (tests record and answer them). */
  setUserInterface(ui: UserInterface | undefined): void;
  /** The folder of the extension's log file (`Foundry Mockups.log`), for checking what is logged. */
  readonly logUri: vscode.Uri;
  /** For tests and the benchmark: the open Studio's messages, rejections and timings. */
  readonly studio: StudioHooks;
}

export function activate(context: vscode.ExtensionContext): FoundryMockupsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Foundry Mockups', { log: true });
  context.subscriptions.push(log);

  const services: Services = {
    context,
    log,
    apiKeys: new ApiKeyStore(context.secrets),
    ui: windowUserInterface,
  };
  registerCommands(services);
  registerBatch(services);
  const studio = registerStudio(services);

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    setUserInterface: (ui) => {
      services.ui = ui ?? windowUserInterface;
    },
    logUri: context.logUri,
    studio,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
