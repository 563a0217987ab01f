/**
 * `@mockups` in the chat: `/generate`, `/refine`, `/sizes`, `/find`. The flow is the agent layer's
 * (handleChatRequest); this adapter gives it the chat's model, the conversation and the attached
 * files, asks before spending above the user's limit (the same rule as the commands), and renders:
 * progress lines, each image as a thumbnail (the 512 px preview, shown at half size) with its size
 * and cost, and buttons to open it in the Studio or reveal it.
 */
import * as vscode from 'vscode';
import { type AgentFile, type AgentHost, type AgentPreview, type ChatTurn, handleChatRequest, relativeTo, type TextModel } from '../core/agents';
import { formatUsd } from '../core/pricing';
import { confirmEstimate } from '../host/confirmSpend';
import type { Services } from '../host/services';

export interface ChatTurnMetadata {
  readonly command: string;
  readonly files: readonly string[];
}

export async function handleChat(services: Services, host: AgentHost, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    const roots = await host.roots();
    const references = request.references.flatMap((r) => {
      const uri = r.value instanceof vscode.Uri ? r.value : r.value instanceof vscode.Location ? r.value.uri : undefined;
      return uri?.scheme === 'file' ? [relativeTo(roots, uri.fsPath)] : [];
    });
    const result = await handleChatRequest(
      { ...(request.command ? { command: request.command } : {}), prompt: request.prompt, references },
      host,
      {
        progress: (message) => stream.progress(message),
        markdown: (text) => stream.markdown(text),
        image: (file, preview) => renderImage(stream, file, preview),
      },
      {
        ...(request.model ? { model: textModel(request.model, token) } : {}),
        history: historyOf(context),
        signal: controller.signal,
        confirm: (call) => confirmEstimate(services, call.prepared.estimate, call.tool === 'refine_mockup' ? vscode.l10n.t('Refine') : vscode.l10n.t('Generate')),
      },
    );
    const metadata: ChatTurnMetadata = { command: result.command, files: result.files };
    return { metadata };
  } finally {
    subscription.dispose();
  }
}

/** The chat's model as the agent layer uses it: one user message, the whole answer as text. */
export function textModel(model: vscode.LanguageModelChat, token: vscode.CancellationToken): TextModel {
  return async (prompt) => {
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, token);
    let text = '';
    for await (const chunk of response.text) text += chunk;
    return text;
  };
}

/** Earlier turns with @mockups: what was asked, and the images our answers named. */
function historyOf(context: vscode.ChatContext): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) turns.push({ prompt: turn.prompt, ...(turn.command ? { command: turn.command } : {}) });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const files = (turn.result.metadata as Partial<ChatTurnMetadata> | undefined)?.files;
      const last = turns.at(-1);
      if (last && Array.isArray(files)) turns[turns.length - 1] = { ...last, files: files.filter((f): f is string => typeof f === 'string') };
    }
  }
  return turns;
}

function renderImage(stream: vscode.ChatResponseStream, file: AgentFile, preview: AgentPreview | undefined): void {
  const uri = vscode.Uri.file(file.absolute);
  const facts = [file.width && file.height ? `${file.width}x${file.height} px` : undefined, file.locale, file.costUsd !== undefined ? formatUsd(file.costUsd) : undefined].filter(Boolean).join(' · ');
  if (preview) {
    const image = new vscode.MarkdownString(`![${escapeAlt(file.path)}](data:${preview.mimeType};base64,${Buffer.from(preview.data).toString('base64')}|width=${Math.round(preview.width / 2)},height=${Math.round(preview.height / 2)})\n`);
    stream.markdown(image);
  }
  stream.anchor(uri, file.path);
  stream.markdown(` ${facts}\n\n`);
  stream.button({ command: 'foundryMockups.openStudio', title: vscode.l10n.t('Open in Studio'), arguments: [uri] });
  stream.button({ command: 'revealInExplorer', title: vscode.l10n.t('Reveal'), arguments: [uri] });
}

function escapeAlt(text: string): string {
  return text.replace(/[[\]\\]/g, '\\$&');
}
