import type * as vscode from 'vscode';

const SECRET_KEY = 'foundryMockups.apiKey';

/**
 * The Foundry API key, kept only in VS Code's SecretStorage (the OS keychain on desktop), never in
 * settings, logs or sidecars.
 */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(SECRET_KEY);
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  store(apiKey: string): Thenable<void> {
    return this.secrets.store(SECRET_KEY, apiKey);
  }

  delete(): Thenable<void> {
    return this.secrets.delete(SECRET_KEY);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) listener();
    });
  }
}
