import * as vscode from 'vscode';
import type { Services } from '../host/services';

/** A command's implementation, loaded on first use so that activation stays fast. */
type Handler = (services: Services, ...args: unknown[]) => unknown;
type Loader = () => Promise<{ run: Handler }>;

/**
 * Every contributed command and where its implementation lives. Each file under src/commands is
 * one command; none is loaded until the command runs.
 */
export const COMMANDS: Readonly<Record<string, Loader>> = {
  'foundryMockups.openStudio': () => import('./openStudio.js'),
  'foundryMockups.generate': () => import('./generate.js'),
  'foundryMockups.generateHere': () => import('./generateHere.js'),
  'foundryMockups.refineImage': () => import('./refineImage.js'),
  'foundryMockups.runBatch': () => import('./runBatch.js'),
  'foundryMockups.estimateBatch': () => import('./estimateBatch.js'),
  'foundryMockups.configureConnection': () => import('./configureConnection.js'),
  'foundryMockups.signIn': () => import('./signIn.js'),
  'foundryMockups.setApiKey': () => import('./setApiKey.js'),
  'foundryMockups.clearApiKey': () => import('./clearApiKey.js'),
  'foundryMockups.showLog': () => import('./showLog.js'),
};

export function registerCommands(services: Services): void {
  for (const [id, load] of Object.entries(COMMANDS)) {
    services.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        const { run } = await load();
        return run(services, ...args);
      }),
    );
  }
}
