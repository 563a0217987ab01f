import * as vscode from 'vscode';
import { checkApiKey } from '../core/apiKey';
import type { Services } from '../host/services';

/**
 * Stores the Foundry API key in SecretStorage. Scripts and keybindings may pass the key as the
 * first argument, which stores it without prompting; otherwise the user is asked for it in a
 * password box.
 */
export async function run(services: Services, key?: unknown): Promise<boolean> {
  let input = key;
  if (input === undefined) {
    input = await services.ui.showInputBox({
      title: vscode.l10n.t('Foundry Mockups: Set API Key'),
      prompt: vscode.l10n.t('The key of your Azure OpenAI / Foundry resource (Keys and Endpoint in the Azure portal). It is kept in VS Code\'s secret storage.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const checked = checkApiKey(value);
        return 'problem' in checked ? checked.problem : undefined;
      },
    });
    if (input === undefined) return false; // cancelled
  }
  const checked = checkApiKey(input);
  if ('problem' in checked) {
    throw new Error(checked.problem);
  }
  await services.apiKeys.store(checked.key);
  services.log.info('API key stored in secret storage.');
  void services.ui.showInformationMessage(vscode.l10n.t('Foundry Mockups: API key stored in secret storage.'));
  return true;
}
