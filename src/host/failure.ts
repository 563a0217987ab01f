import * as vscode from 'vscode';
import { OptionsError } from '../core/options';
import { FoundryError } from '../core/foundry';
import { failureText } from '../core/generation';
import { NotConnectedError } from './connection';
import type { Services } from './services';

/**
 * Shows why a request failed, with the actions that can fix it: Sign In and Set API Key for
 * credentials and roles, Open Settings for endpoint, deployment and API form, Show Log and Copy
 * Request ID always, Retry when the request was kept. Never shows a secret: FoundryError
 * messages are built without them.
 */
export async function showFailure(services: Services, error: unknown, retry?: () => unknown): Promise<void> {
  if (error instanceof NotConnectedError) return; // connect() already offered the fix
  const requestId = error instanceof FoundryError ? error.requestId : undefined;
  // The request id once, whether or not the message names it already.
  const shown = failureText(error);
  services.log.error(shown);
  if (error instanceof FoundryError && error.kind === 'cancelled') {
    void services.ui.showInformationMessage(vscode.l10n.t('Foundry Mockups: cancelled; nothing was written.'));
    return;
  }

  const SIGN_IN = vscode.l10n.t('Sign In');
  const SET_KEY = vscode.l10n.t('Set API Key');
  const SETTINGS = vscode.l10n.t('Open Settings');
  const RETRY = vscode.l10n.t('Retry');
  const LOG = vscode.l10n.t('Show Log');
  const COPY = vscode.l10n.t('Copy Request ID');
  const actions: string[] = [];
  if (error instanceof FoundryError) {
    if (error.kind === 'auth' || error.kind === 'permission') actions.push(SIGN_IN, SET_KEY);
    if (error.kind === 'notFound' || (error.kind === 'validation' && ['endpoint', 'deployment', 'model', 'apiMode', 'apiVersion'].includes(error.param ?? ''))) actions.push(SETTINGS);
  }
  if (retry && !(error instanceof OptionsError)) actions.push(RETRY);
  actions.push(LOG);
  if (requestId) actions.push(COPY);

  const choice = await services.ui.showErrorMessage(shown, ...actions);
  switch (choice) {
    case SIGN_IN:
      await vscode.commands.executeCommand('foundryMockups.signIn');
      break;
    case SET_KEY:
      await vscode.commands.executeCommand('foundryMockups.setApiKey');
      break;
    case SETTINGS:
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:foundry-mockups.foundry-mockups');
      break;
    case RETRY:
      await retry?.();
      break;
    case LOG:
      services.log.show();
      break;
    case COPY:
      if (requestId) await vscode.env.clipboard.writeText(requestId);
      break;
  }
}
