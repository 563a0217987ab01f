import * as vscode from 'vscode';

/**
 * The few window calls commands make to talk to the user. Commands go through this seam so that
 * integration tests can record messages and answer prompts: an unexpected prompt in a test fails
 * fast instead of hanging (the pattern of the Azure extensions' TestUserInput).
 */
export interface UserInterface {
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
}

export const windowUserInterface: UserInterface = {
  showInformationMessage: (message, ...items) => vscode.window.showInformationMessage(message, ...items),
  showWarningMessage: (message, ...items) => vscode.window.showWarningMessage(message, ...items),
  showErrorMessage: (message, ...items) => vscode.window.showErrorMessage(message, ...items),
  showInputBox: (options) => vscode.window.showInputBox(options),
};
