import type * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import type { UserInterface } from '../../src/host/ui';

export const EXTENSION_ID = 'foundry-mockups.foundry-mockups';

export interface ShownMessage {
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly items: readonly string[];
}

/**
 * A UserInterface for tests: records every message, answers prompts from a queue, and fails fast
 * on a prompt the test did not expect instead of leaving a dialog open.
 */
type PickAnswer = (labels: readonly string[]) => readonly string[] | undefined;

export class RecordingUi implements UserInterface {
  readonly messages: ShownMessage[] = [];
  readonly confirmations: string[] = [];
  /** The titles of the prompts shown, in order. */
  readonly prompts: string[] = [];
  /** The items of each quick pick shown, in order. */
  readonly pickItems: Array<readonly vscode.QuickPickItem[]> = [];
  private readonly inputs: Array<string | undefined> = [];
  private readonly picks: PickAnswer[] = [];
  private readonly confirmAnswers: boolean[] = [];
  /** Answers the next message's action, by label. */
  messageAnswer: ((message: string, items: readonly string[]) => string | undefined) | undefined;
  /** Session requests made to VS Code's authentication API, in order. */
  readonly sessionRequests: Array<{ providerId: string; scopes: readonly string[]; interactive: boolean }> = [];
  /**
   * The account a sign-in gives (VS Code asks for the user's consent, which a test cannot give).
   * Undefined: no one signs in, and an interactive request fails fast.
   */
  account: { label: string; accessToken: string } | undefined;
  /** Whether the account is signed in already (a silent request finds its session). */
  signedIn = false;
  /** The user closes the sign-in or declines the consent: an interactive request rejects as VS Code's does. */
  cancelSignIn = false;

  /** Queues the answer of the next input box (undefined = the user pressed Escape). */
  answerInput(value: string | undefined): this {
    this.inputs.push(value);
    return this;
  }

  /** Queues the labels chosen in the next quick pick (undefined = Escape); labels match exactly or as a prefix. */
  answerPick(...labels: string[] | [undefined]): this {
    this.picks.push((available) => {
      if (labels[0] === undefined) return undefined;
      return (labels as string[]).map((wanted) => {
        const found = available.find((l) => l === wanted) ?? available.find((l) => l.startsWith(wanted));
        if (!found) throw new Error(`No quick pick item "${wanted}" among: ${available.slice(0, 12).join(', ')}...`);
        return found;
      });
    });
    return this;
  }

  answerConfirm(value: boolean): this {
    this.confirmAnswers.push(value);
    return this;
  }

  getSession(providerId: string, scopes: readonly string[], interactive: boolean): Thenable<vscode.AuthenticationSession | undefined> {
    this.sessionRequests.push({ providerId, scopes, interactive });
    if (interactive) {
      if (this.cancelSignIn) return Promise.reject(new Error('User did not consent to login.'));
      if (!this.account) return Promise.reject(new Error(`Unexpected sign-in in a test: ${providerId} ${scopes.join(' ')}`));
      this.signedIn = true;
    }
    if (!this.signedIn || !this.account) return Promise.resolve(undefined);
    return Promise.resolve({ id: 'test-session', accessToken: this.account.accessToken, account: { id: 'test-account', label: this.account.label }, scopes });
  }

  confirm(message: string, detail: string): Thenable<boolean> {
    this.confirmations.push(`${message} ${detail}`);
    if (this.confirmAnswers.length === 0) return Promise.reject(new Error(`Unexpected confirmation in a test: ${message}`));
    return Promise.resolve(this.confirmAnswers.shift() as boolean);
  }

  pickOne<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    return this.pick(items, options).then((picked) => picked?.[0]);
  }

  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<readonly T[] | undefined> {
    return this.pick(items, options);
  }

  private pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<readonly T[] | undefined> {
    this.prompts.push(options.title ?? options.placeHolder ?? '(quick pick)');
    this.pickItems.push(items);
    const answer = this.picks.shift();
    if (!answer) return Promise.reject(new Error(`Unexpected quick pick in a test: ${options.title ?? options.placeHolder ?? '(untitled)'}`));
    const chosen = answer(items.map((i) => i.label));
    return Promise.resolve(chosen?.map((label) => items.find((i) => i.label === label) as T));
  }

  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.record('info', message, items);
  }

  showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.record('warning', message, items);
  }

  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.record('error', message, items);
  }

  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    this.prompts.push(options.title ?? options.prompt ?? '(input box)');
    if (this.inputs.length === 0) {
      return Promise.reject(new Error(`Unexpected input box in a test: ${options.title ?? options.prompt ?? '(untitled)'}`));
    }
    return Promise.resolve(this.inputs.shift());
  }

  private record(severity: ShownMessage['severity'], message: string, items: string[]): Thenable<string | undefined> {
    this.messages.push({ severity, message, items });
    return Promise.resolve(this.messageAnswer?.(message, items));
  }

  errors(): ShownMessage[] {
    return this.messages.filter((m) => m.severity === 'error');
  }
}

export async function activateExtension(vscodeApi: typeof vscode): Promise<FoundryMockupsApi> {
  const extension = vscodeApi.extensions.getExtension<FoundryMockupsApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in the test host`);
  return extension.activate();
}

/**
 * Polls `fn` every 50 ms until it returns something truthy (returned), or throws naming `what` once
 * `timeoutMs` have passed: a bound on how long a wait may take, never a measure of speed.
 */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
