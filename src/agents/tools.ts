/**
 * The Copilot language model tools (`contributes.languageModelTools`), as in Copilot Chat's own
 * tools: `prepareInvocation` says what will happen and, for the paid tools, asks with the use
 * case's estimate; `invoke` hands the input to the agent layer and turns its outcome into
 * LanguageModelToolResult parts: the text, and a small preview per image where the host has
 * LanguageModelDataPart (VS Code 1.106+). Cancelling from the chat stops the request; nothing of it
 * is written.
 */
import * as vscode from 'vscode';
import { type AgentHost, type AgentOutcome, type AgentToolSpec, confirmationOf, invocationMessage, invokeAgentTool, prepareCall, problemsOf } from '../core/agents';
import type { Services } from '../host/services';
import type { NewerVscode } from './hostApi';

export function languageModelTool(services: Services, host: AgentHost, spec: AgentToolSpec): vscode.LanguageModelTool<unknown> {
  return {
    async prepareInvocation(options): Promise<vscode.PreparedToolInvocation> {
      if (!spec.paid) return { invocationMessage: spec.title };
      try {
        const call = await prepareCall(spec.name as 'generate_mockup' | 'refine_mockup', options.input, host);
        // What cannot be sent is reported by invoke, without asking first.
        if (problemsOf(call)) return { invocationMessage: spec.title };
        const { title, message } = confirmationOf(call);
        return { invocationMessage: invocationMessage(call), confirmationMessages: { title, message: new vscode.MarkdownString(markdownLines(message)) } };
      } catch {
        return { invocationMessage: spec.title };
      }
    },

    async invoke(options, token): Promise<vscode.LanguageModelToolResult> {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        const outcome = await invokeAgentTool(spec.name, options.input, host, {
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'retrying') services.log.info(`${spec.name}: ${event.message}`);
            if (event.type === 'requestDone') services.log.info(event.log);
          },
        });
        if (outcome.cancelled) throw new vscode.CancellationError();
        if (outcome.isError) services.log.warn(`${spec.name}: ${outcome.text.split('\n')[0]}`);
        // Data parts are newer than the 1.95 types: the result's content holds them where the host has them.
        return new vscode.LanguageModelToolResult(resultParts(outcome) as vscode.LanguageModelTextPart[]);
      } finally {
        subscription.dispose();
      }
    },
  };
}

/** The text, then a preview per image where the host can carry images to the model. */
export function resultParts(outcome: AgentOutcome): unknown[] {
  const dataPart = (vscode as unknown as NewerVscode).LanguageModelDataPart;
  const parts: unknown[] = [new vscode.LanguageModelTextPart(outcome.text)];
  if (typeof dataPart?.image === 'function') for (const preview of outcome.previews) parts.push(dataPart.image(preview.data, preview.mimeType));
  return parts;
}

/** Plain lines as Markdown lines (a hard break each), with Markdown's own characters escaped. */
export function markdownLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/([\\`*_{}[\]<>#|])/g, '\\$1'))
    .join('  \n');
}
