/**
 * The connection settings as the user gave them, checked before anything is sent, with messages
 * that name the setting and the fix. Shared by the extension (settings) and the CLI (flags and
 * environment).
 */
import { createFoundryClient, normalizeEndpoint } from './foundry/client';
import type { FoundryAuth, FoundryClient, FoundryLogger, ImageResult } from './foundry/types';
import type { ConnectionInfo } from './generation';
import { isModelFamily, type ModelFamily } from './sizes/rules';

export type AuthChoice = 'auto' | 'microsoft' | 'azureIdentity' | 'apiKey';
export type ApiMode = 'v1' | 'dated';

export const SCOPE_COGNITIVE_SERVICES = 'https://cognitiveservices.azure.com/.default';
export const SCOPE_AI = 'https://ai.azure.com/.default';

export interface ConnectionSettings {
  readonly endpoint: string;
  readonly deployment: string;
  readonly model: ModelFamily;
  readonly apiMode: ApiMode;
  readonly apiVersion?: string;
  readonly auth: AuthChoice;
  readonly tenant?: string;
  readonly scope: string;
}

export interface RawConnectionSettings {
  endpoint?: unknown;
  deployment?: unknown;
  model?: unknown;
  apiMode?: unknown;
  apiVersion?: unknown;
  auth?: unknown;
  tenant?: unknown;
  scope?: unknown;
}

export interface SettingProblem {
  /** The setting's short name (`endpoint`, `deployment`...). */
  readonly setting: keyof RawConnectionSettings;
  readonly message: string;
}

/** The default Entra scope for an API form (foundry-image-api.md §2). */
export function defaultScope(apiMode: ApiMode): string {
  return apiMode === 'v1' ? SCOPE_AI : SCOPE_COGNITIVE_SERVICES;
}

/**
 * Checks an endpoint URL with the Foundry client's own rule (any https host, http only on
 * loopback, no credentials or query; a pasted `/openai[/v1]` path is tolerated).
 */
export function endpointProblem(endpoint: string): string | undefined {
  if (!endpoint.trim()) return 'No endpoint is set: enter your resource\'s endpoint, such as https://my-resource.openai.azure.com.';
  try {
    normalizeEndpoint(parseTargetUri(endpoint)?.endpoint ?? endpoint);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Deployment names: letters, digits, `-`, `_` and `.`, 1 to 64 characters (the portal's rule). */
export function deploymentProblem(deployment: string): string | undefined {
  if (!deployment.trim()) return 'No deployment is set: enter the name of your gpt-image deployment (Deployments in the Foundry portal).';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(deployment.trim())) {
    return `"${deployment}" is not a deployment name: use the name shown under Deployments in the Foundry portal (letters, digits, "-", "_", ".").`;
  }
  return undefined;
}

export function apiVersionProblem(apiVersion: string): string | undefined {
  if (!apiVersion) return undefined;
  if (/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion) || apiVersion === 'v1' || apiVersion === 'preview') return undefined;
  return `"${apiVersion}" is not an api-version: use a dated version such as 2025-04-01-preview, or v1 / preview with the v1 form.`;
}

/** What a portal's Target URI says about the connection. */
export interface TargetUri {
  /** `https://<resource host>` (and any path before `/openai`). */
  readonly endpoint: string;
  readonly apiMode: ApiMode;
  /** The dated form names its deployment in the path. */
  readonly deployment?: string;
  readonly apiVersion?: string;
}

/**
 * Reads the *Target URI* the Foundry and Azure portals show for a deployment (a full URL such as
 * `https://r.openai.azure.com/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview`
 * or `https://r.services.ai.azure.com/openai/v1/images/generations`): the resource's endpoint, the
 * API form, and the deployment and api-version when the URL names them. Undefined for anything
 * that is not such a URL (a plain endpoint included).
 */
export function parseTargetUri(text: string): TargetUri | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const match = /^(.*?)\/openai(?:\/(v1)(?:\/.*)?|\/deployments\/([^/]+)(?:\/.*)?)?\/?$/i.exec(url.pathname);
  const apiVersion = url.searchParams.get('api-version') ?? undefined;
  if (!match || (match[2] === undefined && match[3] === undefined && !apiVersion)) return undefined;
  const endpoint = `${url.protocol}//${url.host}${match[1].replace(/\/+$/, '')}`;
  if (match[3] !== undefined) {
    let deployment: string;
    try {
      deployment = decodeURIComponent(match[3]);
    } catch {
      return undefined;
    }
    return { endpoint, apiMode: 'dated', deployment, ...(apiVersion ? { apiVersion } : {}) };
  }
  return { endpoint, apiMode: 'v1', ...(apiVersion && apiVersion !== 'v1' ? { apiVersion } : {}) };
}

/** Reads and checks raw settings; returns the settings or every problem found. A Target URI in `endpoint` is split into its parts. */
export function parseConnectionSettings(raw: RawConnectionSettings): { settings: ConnectionSettings } | { problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  const target = parseTargetUri(text(raw.endpoint));
  if (target) {
    raw = {
      ...raw,
      endpoint: target.endpoint,
      apiMode: raw.apiMode ?? target.apiMode,
      ...(target.deployment && !text(raw.deployment) ? { deployment: target.deployment } : {}),
      ...(target.apiVersion && !text(raw.apiVersion) ? { apiVersion: target.apiVersion } : {}),
    };
  }
  const endpoint = text(raw.endpoint).replace(/\/+$/, '');
  const deployment = text(raw.deployment);
  const endpointIssue = endpointProblem(endpoint);
  if (endpointIssue) problems.push({ setting: 'endpoint', message: endpointIssue });
  const deploymentIssue = deploymentProblem(deployment);
  if (deploymentIssue) problems.push({ setting: 'deployment', message: deploymentIssue });
  const model = raw.model ?? 'gpt-image-2';
  if (!isModelFamily(model)) {
    problems.push({ setting: 'model', message: `${show(model)} is not a supported model family: use gpt-image-2, gpt-image-1.5, gpt-image-1 or gpt-image-1-mini.` });
  }
  const apiMode = raw.apiMode ?? 'v1';
  if (apiMode !== 'v1' && apiMode !== 'dated') problems.push({ setting: 'apiMode', message: `${show(apiMode)} is not an API form: use v1 or dated.` });
  const apiVersion = text(raw.apiVersion);
  const versionIssue = apiVersionProblem(apiVersion);
  if (versionIssue) problems.push({ setting: 'apiVersion', message: versionIssue });
  const auth = raw.auth ?? 'auto';
  if (typeof auth !== 'string' || !['auto', 'microsoft', 'azureIdentity', 'apiKey'].includes(auth)) {
    problems.push({ setting: 'auth', message: `${show(auth)} is not a sign-in method: use auto, microsoft, azureIdentity or apiKey.` });
  }
  const scopeText = text(raw.scope);
  if (scopeText && !/^https:\/\/[^\s]+\/\.default$/.test(scopeText)) {
    problems.push({ setting: 'scope', message: `"${scopeText}" is not an Entra scope: use ${SCOPE_COGNITIVE_SERVICES} or ${SCOPE_AI}.` });
  }
  if (problems.length > 0) return { problems };
  const mode = apiMode as ApiMode;
  const tenant = text(raw.tenant);
  return {
    settings: {
      endpoint,
      deployment,
      model: model as ModelFamily,
      apiMode: mode,
      ...(apiVersion ? { apiVersion } : {}),
      auth: auth as AuthChoice,
      ...(tenant ? { tenant } : {}),
      scope: scopeText || defaultScope(mode),
    },
  };
}

/** The endpoint's host, the only part of the endpoint recorded in sidecars and logs. */
export function endpointHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '';
  }
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** What sidecars and logs record of a connection: never the key or token, only the host. */
export function connectionInfo(settings: ConnectionSettings): ConnectionInfo {
  return {
    deployment: settings.deployment,
    model: settings.model,
    endpointHost: endpointHost(settings.endpoint),
    apiMode: settings.apiMode,
    ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
  };
}

export interface ClientOptions {
  readonly timeoutMs: number;
  /** 0 for batch runs, whose scheduler is the one retry layer; the client's default otherwise. */
  readonly maxRetries?: number;
  readonly logger?: FoundryLogger;
}

/** The Foundry client of checked settings, shared by the extension and the CLI. */
export function createClientFor(settings: ConnectionSettings, auth: FoundryAuth, options: ClientOptions): FoundryClient {
  return createFoundryClient({
    endpoint: settings.endpoint,
    deployment: settings.deployment,
    model: settings.model,
    apiMode: settings.apiMode,
    ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
    auth,
    timeoutMs: options.timeoutMs,
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The connection test: one low-quality 1024x1024 image, kept in memory (nothing is written). */
export function testConnection(client: FoundryClient, signal?: AbortSignal): Promise<ImageResult> {
  return client.generate({ prompt: 'A simple wireframe of a settings screen', size: '1024x1024', quality: 'low', n: 1 }, signal ? { signal } : {});
}
