/**
 * Entra ID tokens through @azure/identity, loaded only when this path is used: activation never
 * loads it (the lint rule forbids a static import).
 */
import type { TokenCredential } from '@azure/identity';

export type AzureIdentityMode =
  /** DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, azd, PowerShell. */
  | 'default'
  /** Developer credentials only (environment, Azure CLI, Azure Developer CLI): no managed-identity probe, for `auto`. */
  | 'developer';

export async function createAzureIdentityCredential(mode: AzureIdentityMode, tenantId?: string): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const tenant = tenantId ? { tenantId } : {};
  if (mode === 'default') {
    return new identity.DefaultAzureCredential(tenant);
  }
  return new identity.ChainedTokenCredential(
    new identity.EnvironmentCredential(),
    new identity.AzureCliCredential(tenant),
    new identity.AzureDeveloperCliCredential(tenant),
  );
}

/** A token getter over a credential, for the Foundry client's `{ kind: 'token' }` auth. */
export function tokenGetter(credential: TokenCredential, scope: string): (signal?: AbortSignal) => Promise<string> {
  return async (signal) => {
    const token = await credential.getToken(scope, signal ? { abortSignal: signal } : {});
    if (!token) throw new Error(`No Entra ID token for ${scope}: sign in with the Azure CLI (az login) or set the AZURE_* environment variables.`);
    return token.token;
  };
}
