import * as vscode from 'vscode';
import type { Services } from '../host/services';

export async function run(services: Services): Promise<boolean> {
  const had = await services.apiKeys.has();
  await services.apiKeys.delete();
  services.log.info(had ? 'API key removed from secret storage.' : 'Clear API key: no key was stored.');
  void services.ui.showInformationMessage(
    had ? vscode.l10n.t('Foundry Mockups: API key removed.') : vscode.l10n.t('Foundry Mockups: no API key was stored.'),
  );
  return had;
}
