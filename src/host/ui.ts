import * as vscode from 'vscode';

/**
 * The window calls commands make to talk to the user. Commands go through this seam so that
 * integration tests can record messages and answer prompts: an unexpected prompt in a test fails
 * fast instead of hanging (the pattern of the Azure extensions' TestUserInput).
 */
export interface UserInterface {
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  /** A modal question; resolves true only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Thenable<boolean>;
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  /** A single choice; `active` (the last one made) is focused, so Enter repeats it, without reordering the list. */
  pickOne<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions, active?: T): Thenable<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<readonly T[] | undefined>;
  /** A session of VS Code's authentication provider (interactive: may show the sign-in and consent UI). */
  getSession(providerId: string, scopes: readonly string[], interactive: boolean): Thenable<vscode.AuthenticationSession | undefined>;
}

export const windowUserInterface: UserInterface = {
  showInformationMessage: (message, ...items) => vscode.window.showInformationMessage(message, ...items),
  showWarningMessage: (message, ...items) => vscode.window.showWarningMessage(message, ...items),
  showErrorMessage: (message, ...items) => vscode.window.showErrorMessage(message, ...items),
  confirm: (message, detail, action) => vscode.window.showWarningMessage(message, { modal: true, detail }, action).then((choice) => choice === action),
  showInputBox: (options) => vscode.window.showInputBox(options),
  pickOne: (items, options, active) => (active ? pickWithActive(items, options, active) : vscode.window.showQuickPick(items, { ...options, canPickMany: false })),
  pickMany: (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: true }),
  getSession: (providerId, scopes, interactive) => vscode.authentication.getSession(providerId, scopes, interactive ? { createIfNone: true } : { silent: true }),
};

function pickWithActive<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions, active: T): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.items = items;
    pick.activeItems = [active];
    pick.title = options.title;
    pick.placeholder = options.placeHolder;
    pick.matchOnDescription = options.matchOnDescription ?? false;
    pick.matchOnDetail = options.matchOnDetail ?? false;
    pick.ignoreFocusOut = options.ignoreFocusOut ?? false;
    let chosen: T | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}
