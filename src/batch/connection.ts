/**
 * The connection of a batch run: the configured one, with a client whose own retries are off
 * (`maxRetries: 0`) because the batch scheduler paces 429s and retries transient failures for all
 * its workers at once (src/core/batch/scheduler.ts). When settings or credentials are missing,
 * `connect` offers the fix and throws NotConnectedError, as for Generate Mockup.
 */
import * as vscode from 'vscode';
import { NoCredentialsError, resolveCredentials } from '../auth/credentials';
import { connect, type ReadyConnection, readConnectionSettings } from '../connection';
import { endpointHost } from '../core/connection';
import { createFoundryClient } from '../core/foundry';
import { resolvePricing } from '../core/pricing';
import type { Services } from '../services';

export async function connectForBatch(services: Services): Promise<ReadyConnection> {
  const read = readConnectionSettings();
  if ('problems' in read) return connect(services); // offers Configure Connection, then throws
  const { settings } = read;
  let credentials;
  try {
    credentials = await resolveCredentials(settings, services.apiKeys);
  } catch (error) {
    if (error instanceof NoCredentialsError) return connect(services); // offers Sign In / Set API Key, then throws
    throw error;
  }
  const config = vscode.workspace.getConfiguration('foundryMockups');
  services.log.info(`Batch: connecting to ${endpointHost(settings.endpoint)} (${settings.apiMode}), deployment ${settings.deployment} (${settings.model}), with ${credentials.description}.`);
  const client = createFoundryClient({
    endpoint: settings.endpoint,
    deployment: settings.deployment,
    model: settings.model,
    apiMode: settings.apiMode,
    ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
    auth: credentials.auth,
    timeoutMs: Math.max(1, config.get<number>('requestTimeoutSeconds', 300)) * 1000,
    maxRetries: 0,
    logger: services.log,
  });
  return {
    settings,
    client,
    info: {
      deployment: settings.deployment,
      model: settings.model,
      endpointHost: endpointHost(settings.endpoint),
      apiMode: settings.apiMode,
      ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
    },
    pricing: resolvePricing(settings.model, config.get('pricing')),
  };
}
