import type * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import type { UserInterface } from '../../src/ui';

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
export class RecordingUi implements UserInterface {
  readonly messages: ShownMessage[] = [];
  private readonly inputs: Array<string | undefined> = [];

  /** Queues the answer of the next input box (undefined = the user pressed Escape). */
  answerInput(value: string | undefined): this {
    this.inputs.push(value);
    return this;
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
    if (this.inputs.length === 0) {
      return Promise.reject(new Error(`Unexpected input box in a test: ${options.title ?? options.prompt ?? '(untitled)'}`));
    }
    return Promise.resolve(this.inputs.shift());
  }

  private record(severity: ShownMessage['severity'], message: string, items: string[]): Thenable<undefined> {
    this.messages.push({ severity, message, items });
    return Promise.resolve(undefined);
  }
}

export async function activateExtension(vscodeApi: typeof vscode): Promise<FoundryMockupsApi> {
  const extension = vscodeApi.extensions.getExtension<FoundryMockupsApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in the test host`);
  return extension.activate();
}
