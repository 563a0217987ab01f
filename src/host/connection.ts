import * as vscode from 'vscode';
import { NoCredentialsError, resolveCredentials } from '../auth/credentials';
import { type ConnectionSettings, connectionInfo, createClientFor, endpointHost, parseConnectionSettings, type SettingProblem } from '../core/connection';
import type { FoundryClient } from '../core/foundry';
import type { ConnectionInfo } from '../core/generation';
import { type Pricing, resolvePricing } from '../core/pricing';
import { isModelFamily, type ModelFamily } from '../core/vocabulary';
import type { Services } from './services';
import { readSettings, setting } from './settings';

export interface ReadyConnection {
  readonly settings: ConnectionSettings;
  readonly client: FoundryClient;
  readonly info: ConnectionInfo;
  readonly pricing: Pricing;
}

export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

export function readConnectionSettings(): { settings: ConnectionSettings } | { problems: SettingProblem[] } {
  const s = readSettings();
  return parseConnectionSettings({ endpoint: s.endpoint, deployment: s.deployment, model: s.model, apiMode: s.apiMode, apiVersion: s.apiVersion, auth: s.auth, tenant: s.tenant, scope: s.scope });
}

/** The model family to plan for: the connection's, or the setting's while the connection is incomplete. */
export function configuredModel(): ModelFamily {
  const model = setting('model');
  return isModelFamily(model) ? model : 'gpt-image-2';
}

/** The prices of the configured model, with the user's overrides. */
export function configuredPricing(model: ModelFamily = configuredModel()): Pricing {
  return resolvePricing(model, setting('pricing'));
}

/**
 * A client for the configured connection. When the connection is not configured, or no
 * credentials are found, it offers to fix that (Configure Connection, Sign In, Set API Key)
 * instead of failing silently, and throws NotConnectedError so that the command stops.
 * Batch runs pass `maxRetries: 0`: their scheduler paces 429s and retries transient failures for
 * all workers at once (src/core/batch/scheduler.ts).
 */
export async function connect(services: Services, options: { readonly maxRetries?: number } = {}): Promise<ReadyConnection> {
  const read = readConnectionSettings();
  if ('problems' in read) {
    const message = vscode.l10n.t('Foundry Mockups is not connected yet: {0}', read.problems[0].message);
    services.log.warn(message);
    offer(services, message, [vscode.l10n.t('Configure Connection'), 'foundryMockups.configureConnection'], [vscode.l10n.t('Open Settings'), 'workbench.action.openSettings', '@ext:foundry-mockups.foundry-mockups']);
    throw new NotConnectedError(message);
  }
  const { settings } = read;
  let credentials;
  try {
    credentials = await resolveCredentials(settings, services.apiKeys, services.ui);
  } catch (error) {
    if (error instanceof NoCredentialsError) {
      services.log.warn(error.message);
      offer(services, error.message, [vscode.l10n.t('Sign In'), 'foundryMockups.signIn'], [vscode.l10n.t('Set API Key'), 'foundryMockups.setApiKey']);
      throw new NotConnectedError(error.message);
    }
    throw error;
  }
  services.log.info(`Connecting to ${endpointHost(settings.endpoint)} (${settings.apiMode}), deployment ${settings.deployment} (${settings.model}), with ${credentials.description}.`);
  const client = createClientFor(settings, credentials.auth, {
    timeoutMs: Math.max(1, setting('requestTimeoutSeconds')) * 1000,
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    logger: services.log,
  });
  return { settings, client, info: connectionInfo(settings), pricing: configuredPricing(settings.model) };
}

/** Shows a message with actions that run commands, without waiting for the user. */
function offer(services: Services, message: string, ...actions: Array<[label: string, command: string, ...args: unknown[]]>): void {
  void services.ui.showWarningMessage(message, ...actions.map(([label]) => label)).then((choice) => {
    const action = actions.find(([label]) => label === choice);
    if (action) void vscode.commands.executeCommand(action[1], ...action.slice(2));
  });
}
