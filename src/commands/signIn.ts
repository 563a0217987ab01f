import * as vscode from 'vscode';
import { createAzureIdentityCredential, tokenGetter } from '../auth/azureIdentity';
import { microsoftProviderId, sessionScopes } from '../auth/credentials';
import { readConnectionSettings } from '../connection';
import { type AuthChoice, defaultScope } from '../core/connection';
import type { Services } from '../services';
import { showFailure } from './shared/failure';

/**
 * Sign In: with the method the `foundryMockups.auth` setting names; with `auto`, the user picks
 * one and it is remembered in the setting.
 */
export async function run(services: Services): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('foundryMockups');
  let method = config.get<AuthChoice>('auth', 'auto');
  if (method === 'auto') {
    const choice = await services.ui.pickOne(
      [
        { label: vscode.l10n.t('Microsoft account'), description: vscode.l10n.t('Entra ID, through VS Code'), value: 'microsoft' as const },
        { label: vscode.l10n.t('Azure CLI / environment'), description: vscode.l10n.t('az login, AZURE_* variables, managed identity'), value: 'azureIdentity' as const },
        { label: vscode.l10n.t('API key'), description: vscode.l10n.t('kept in VS Code\'s secret storage'), value: 'apiKey' as const },
      ],
      { title: vscode.l10n.t('Sign in to Foundry with...') },
    );
    if (!choice) return false;
    method = choice.value;
    await config.update('auth', method, vscode.ConfigurationTarget.Global);
  }
  const read = readConnectionSettings();
  const scope = 'settings' in read ? read.settings.scope : config.get<string>('scope') || defaultScope(config.get('apiMode') === 'dated' ? 'dated' : 'v1');
  const tenant = config.get<string>('tenant') || undefined;
  try {
    switch (method) {
      case 'apiKey':
        return (await vscode.commands.executeCommand<boolean>('foundryMockups.setApiKey')) === true;
      case 'microsoft': {
        const session = await services.ui.getSession(microsoftProviderId(), sessionScopes({ scope, ...(tenant ? { tenant } : {}) }), true);
        if (!session) return false;
        services.log.info(`Signed in with the Microsoft account ${session.account.label}.`);
        void services.ui.showInformationMessage(vscode.l10n.t('Foundry Mockups: signed in as {0}.', session.account.label));
        return true;
      }
      case 'azureIdentity': {
        const credential = await createAzureIdentityCredential('default', tenant);
        await tokenGetter(credential, scope)(AbortSignal.timeout(30_000));
        services.log.info('Azure CLI / environment credentials work.');
        void services.ui.showInformationMessage(vscode.l10n.t('Foundry Mockups: your Azure CLI / environment credentials work.'));
        return true;
      }
    }
  } catch (error) {
    await showFailure(services, error);
    return false;
  }
}
