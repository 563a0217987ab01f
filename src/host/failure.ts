import * as vscode from 'vscode';
import { OptionsError } from '../core/options';
import { FoundryError } from '../core/foundry';
import { failureText } from '../core/generation';
import type { FailureAction } from '../core/vocabulary';
import type { Services } from './services';

export type { FailureAction } from '../core/vocabulary';

/**
 * The connection is not configured or no credentials were found: `fixes` are the actions that
 * fix it (Configure Connection and Open Settings, or Sign In and Set API Key). connect() offers
 * them when it throws; the Studio's banner offers the same.
 */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
  constructor(
    message: string,
    readonly fixes: readonly FailureAction[],
  ) {
    super(message);
  }
}

/** A failure and what is kept to act on it: the request, to send it again, when it was kept. */
export interface KeptFailure {
  readonly error: unknown;
  readonly retry?: () => unknown;
}

/**
 * The actions that can fix `error`, in the order they are offered: Sign In and Set API Key for
 * credentials and roles, Open Settings for endpoint, deployment and API form, Retry when the
 * request was kept (`canRetry`) and the options were valid, Show Log always, Copy Request ID when
 * the service gave one. A connection that is not ready gets its own fixes; a cancel gets none.
 * The one mapping: notifications (showFailure) and the Studio's error banner both use it.
 */
export function failureActions(error: unknown, canRetry: boolean): FailureAction[] {
  if (error instanceof NotConnectedError) return [...error.fixes];
  if (error instanceof FoundryError && error.kind === 'cancelled') return [];
  const actions: FailureAction[] = [];
  if (error instanceof FoundryError) {
    if (error.kind === 'auth' || error.kind === 'permission') actions.push('signIn', 'setApiKey');
    if (error.kind === 'notFound' || (error.kind === 'validation' && ['endpoint', 'deployment', 'model', 'apiMode', 'apiVersion'].includes(error.param ?? ''))) actions.push('openSettings');
  }
  if (canRetry && !(error instanceof OptionsError)) actions.push('retry');
  actions.push('showLog');
  if (error instanceof FoundryError && error.requestId) actions.push('copyRequestId');
  return actions;
}

/** The button label of an action, as notifications and the Studio show it. */
export function failureActionLabel(action: FailureAction): string {
  switch (action) {
    case 'signIn':
      return vscode.l10n.t('Sign In');
    case 'setApiKey':
      return vscode.l10n.t('Set API Key');
    case 'configureConnection':
      return vscode.l10n.t('Configure Connection');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'retry':
      return vscode.l10n.t('Retry');
    case 'showLog':
      return vscode.l10n.t('Show Log');
    case 'copyRequestId':
      return vscode.l10n.t('Copy Request ID');
  }
}

/** Runs `action` for `failure`, whichever surface offered it. */
export async function runFailureAction(services: Services, action: FailureAction, failure: KeptFailure): Promise<void> {
  switch (action) {
    case 'signIn':
      await vscode.commands.executeCommand('foundryMockups.signIn');
      return;
    case 'setApiKey':
      await vscode.commands.executeCommand('foundryMockups.setApiKey');
      return;
    case 'configureConnection':
      await vscode.commands.executeCommand('foundryMockups.configureConnection');
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:foundry-mockups.foundry-mockups');
      return;
    case 'retry':
      await failure.retry?.();
      return;
    case 'showLog':
      services.log.show();
      return;
    case 'copyRequestId': {
      const requestId = failure.error instanceof FoundryError ? failure.error.requestId : undefined;
      if (requestId) await vscode.env.clipboard.writeText(requestId);
      return;
    }
  }
}

/** Shows `message` as a warning with `actions`, without waiting for the user (connect() uses it). */
export function offerFixes(services: Services, message: string, error: unknown, actions: readonly FailureAction[]): void {
  const labels = actions.map(failureActionLabel);
  void services.ui.showWarningMessage(message, ...labels).then((choice) => {
    const action = actions[labels.findIndex((label) => label === choice)];
    if (action) void runFailureAction(services, action, { error });
  });
}

/**
 * Shows why a request failed, with the actions that can fix it (failureActions). Never shows a
 * secret: FoundryError messages are built without them.
 */
export async function showFailure(services: Services, error: unknown, retry?: () => unknown): Promise<void> {
  if (error instanceof NotConnectedError) return; // connect() already offered the fix
  // The request id once, whether or not the message names it already.
  const shown = failureText(error);
  services.log.error(shown);
  if (error instanceof FoundryError && error.kind === 'cancelled') {
    void services.ui.showInformationMessage(vscode.l10n.t('Foundry Mockups: cancelled; nothing was written.'));
    return;
  }
  const actions = failureActions(error, retry !== undefined);
  const labels = actions.map(failureActionLabel);
  const choice = await services.ui.showErrorMessage(shown, ...labels);
  const action = actions[labels.findIndex((label) => label === choice)];
  if (action) await runFailureAction(services, action, { error, ...(retry ? { retry } : {}) });
}
