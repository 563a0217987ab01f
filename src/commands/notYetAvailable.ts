import * as vscode from 'vscode';
import type { Services } from '../services';

/**
 * What a command whose capability has not landed yet does: it says so plainly, and returns
 * nothing, so that no caller mistakes it for a result.
 */
export async function notYetAvailable(services: Services, title: string): Promise<undefined> {
  const message = vscode.l10n.t('{0} is not available yet in this version of Foundry Mockups.', title);
  services.log.warn(message);
  await services.ui.showWarningMessage(message);
  return undefined;
}
