import * as vscode from 'vscode';
import { NoCredentialsError, resolveCredentials } from '../auth/credentials';
import { type ConnectionSettings, connectionInfo, createClientFor, endpointHost, parseConnectionSettings, type SettingProblem } from '../core/connection';
import type { FoundryClient } from '../core/foundry';
import type { ConnectionInfo } from '../core/generation';
import { type Pricing, resolvePricing } from '../core/pricing';
import { isModelFamily, type ModelFamily } from '../core/vocabulary';
import { NotConnectedError, offerFixes } from './failure';
import type { Services } from './services';
import { readSettings, setting } from './settings';

export interface ReadyConnection {
  readonly settings: ConnectionSettings;
  readonly client: FoundryClient;
  readonly info: ConnectionInfo;
  readonly pricing: Pricing;
}

export { NotConnectedError } from './failure';

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
    const error = new NotConnectedError(message, ['configureConnection', 'openSettings']);
    offerFixes(services, message, error, error.fixes);
    throw error;
  }
  const { settings } = read;
  let credentials;
  try {
    credentials = await resolveCredentials(settings, services.apiKeys, services.ui);
  } catch (error) {
    if (error instanceof NoCredentialsError) {
      services.log.warn(error.message);
      const notConnected = new NotConnectedError(error.message, ['signIn', 'setApiKey']);
      offerFixes(services, error.message, notConnected, notConnected.fixes);
      throw notConnected;
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
