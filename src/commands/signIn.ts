import * as vscode from 'vscode';
import { createAzureIdentityCredential, tokenGetter } from '../auth/azureIdentity';
import { microsoftProviderId, sessionScopes } from '../auth/credentials';
import { readConnectionSettings } from '../host/connection';
import { type AuthChoice, defaultScope } from '../core/connection';
import type { Services } from '../host/services';
import { setting, updateSetting } from '../host/settings';
import { showFailure } from '../host/failure';

/**
 * Sign In: with the method the `foundryMockups.auth` setting names; with `auto`, the user picks
 * one and it is remembered in the setting.
 */
export async function run(services: Services): Promise<boolean> {
  let method = setting('auth') as AuthChoice;
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
    await updateSetting('auth', method, vscode.ConfigurationTarget.Global);
  }
  const read = readConnectionSettings();
  const scope = 'settings' in read ? read.settings.scope : setting('scope') || defaultScope(setting('apiMode') === 'dated' ? 'dated' : 'v1');
  const tenant = setting('tenant') || undefined;
  try {
    switch (method) {
      case 'apiKey':
        return (await vscode.commands.executeCommand<boolean>('foundryMockups.setApiKey')) === true;
      case 'microsoft': {
        let session;
        try {
          session = await services.ui.getSession(microsoftProviderId(), sessionScopes({ scope, ...(tenant ? { tenant } : {}) }), true);
        } catch (error) {
          // VS Code rejects when the user closes the sign-in or declines the consent.
          if (!isCancelledSignIn(error)) throw error;
        }
        if (!session) {
          signInCancelled(services);
          return false;
        }
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

function isCancelledSignIn(error: unknown): boolean {
  return error instanceof Error && /cancel|consent|did not complete|user did not/i.test(error.message);
}

/** Says what happened and what to do, with the ways forward as buttons. */
function signInCancelled(services: Services): void {
  services.log.info('The Microsoft sign-in was cancelled.');
  const again = vscode.l10n.t('Sign In Again');
  const key = vscode.l10n.t('Set API Key');
  void services.ui
    .showWarningMessage(vscode.l10n.t('The Microsoft sign-in was cancelled, so Foundry Mockups is not signed in and nothing was sent. Sign in again, or use the Azure CLI (az login) or an API key instead.'), again, key)
    .then((choice) => {
      if (choice === again) void vscode.commands.executeCommand('foundryMockups.signIn');
      if (choice === key) void vscode.commands.executeCommand('foundryMockups.setApiKey');
    });
}
