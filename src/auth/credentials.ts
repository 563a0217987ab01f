import * as vscode from 'vscode';
import type { ConnectionSettings } from '../core/connection';
import type { FoundryAuth } from '../core/foundry';
import { setting } from '../host/settings';
import type { UserInterface } from '../host/ui';
import type { ApiKeyStore } from './apiKeyStore';
import { createAzureIdentityCredential, tokenGetter } from './azureIdentity';

/** Which VS Code authentication provider to ask for a Microsoft account session. */
export function microsoftProviderId(): string {
  return setting('sovereignCloud') ? 'microsoft-sovereign-cloud' : 'microsoft';
}

/** The scopes of a session request: the Entra scope, plus the tenant in VS Code's own form. */
export function sessionScopes(settings: Pick<ConnectionSettings, 'scope' | 'tenant'>): string[] {
  return settings.tenant ? [settings.scope, `VSCODE_TENANT:${settings.tenant}`] : [settings.scope];
}

/** A token getter backed by VS Code's Microsoft account; `interactive` may show the sign-in flow. */
function microsoftTokenGetter(settings: ConnectionSettings, ui: UserInterface, interactive: boolean): FoundryAuth {
  return {
    kind: 'token',
    getToken: async () => {
      const session = await ui.getSession(microsoftProviderId(), sessionScopes(settings), interactive);
      if (!session) throw new NoCredentialsError(vscode.l10n.t('You are not signed in to a Microsoft account in VS Code: run "Mockups: Sign In".'));
      return session.accessToken;
    },
  };
}

export class NoCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoCredentialsError';
  }
}

export interface CredentialResolution {
  readonly auth: FoundryAuth;
  /** What was chosen, for the log (never the secret itself). */
  readonly description: string;
}

/**
 * Turns the `foundryMockups.auth` choice into credentials for the Foundry client.
 * `auto`: the VS Code Microsoft account if signed in (silently), else Azure CLI / environment
 * credentials through @azure/identity, else a stored API key; NoCredentialsError when none is
 * there, so that the caller can offer the choices.
 */
export async function resolveCredentials(settings: ConnectionSettings, apiKeys: ApiKeyStore, ui: UserInterface): Promise<CredentialResolution> {
  switch (settings.auth) {
    case 'apiKey': {
      const key = await storedOrEnvironmentKey(apiKeys);
      if (!key) throw new NoCredentialsError(vscode.l10n.t('No API key is stored: run "Mockups: Set API Key..." or choose another sign-in method.'));
      return { auth: { kind: 'apiKey', apiKey: key.apiKey }, description: key.description };
    }
    case 'microsoft':
      return { auth: microsoftTokenGetter(settings, ui, true), description: `Microsoft account (${microsoftProviderId()})` };
    case 'azureIdentity': {
      const credential = await createAzureIdentityCredential('default', settings.tenant);
      return { auth: { kind: 'token', getToken: tokenGetter(credential, settings.scope) }, description: 'DefaultAzureCredential' };
    }
    case 'auto':
      return resolveAutomatically(settings, apiKeys, ui);
  }
}

async function resolveAutomatically(settings: ConnectionSettings, apiKeys: ApiKeyStore, ui: UserInterface): Promise<CredentialResolution> {
  const session = await Promise.resolve(ui.getSession(microsoftProviderId(), sessionScopes(settings), false))
    .then(
      (s) => s,
      () => undefined,
    );
  if (session) return { auth: microsoftTokenGetter(settings, ui, false), description: `Microsoft account ${session.account.label}` };

  try {
    const credential = await createAzureIdentityCredential('developer', settings.tenant);
    const getToken = tokenGetter(credential, settings.scope);
    await getToken(AbortSignal.timeout(15_000));
    return { auth: { kind: 'token', getToken }, description: 'Azure CLI / environment credentials' };
  } catch {
    // No developer credentials on this machine: fall through to the API key.
  }

  const key = await storedOrEnvironmentKey(apiKeys);
  if (key) return { auth: { kind: 'apiKey', apiKey: key.apiKey }, description: key.description };
  throw new NoCredentialsError(vscode.l10n.t('No credentials found: sign in with your Microsoft account, sign in to the Azure CLI (az login), or set an API key.'));
}

/** The environment variable the CLI reads too; used when no key is in secret storage. */
export const API_KEY_ENVIRONMENT_VARIABLE = 'AZURE_OPENAI_API_KEY';

async function storedOrEnvironmentKey(apiKeys: ApiKeyStore): Promise<{ apiKey: string; description: string } | undefined> {
  const stored = await apiKeys.get();
  if (stored) return { apiKey: stored, description: 'API key from secret storage' };
  const fromEnvironment = process.env[API_KEY_ENVIRONMENT_VARIABLE]?.trim();
  if (fromEnvironment) return { apiKey: fromEnvironment, description: `API key from the ${API_KEY_ENVIRONMENT_VARIABLE} environment variable` };
  return undefined;
}
