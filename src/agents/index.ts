/**
 * The agent surfaces of the extension, loaded with the features on first use: the activation shell
 * registers the contributed tools, the participant and the MCP server definition provider with
 * proxies that call these.
 */
import * as vscode from 'vscode';
import { agentTool } from '../core/agents';
import type { Services } from '../host/services';
import type { McpServerDefinitionProvider } from './hostApi';
import { vscodeAgentHost } from './host';
import { mcpServerProvider } from './mcpProvider';
import { handleChat } from './participant';
import { languageModelTool } from './tools';

export interface AgentFeatures {
  /** The language model tool contributed under `name` (its package.json name). */
  tool(name: string): vscode.LanguageModelTool<unknown>;
  readonly chat: vscode.ChatRequestHandler;
  readonly mcp: Required<Omit<McpServerDefinitionProvider, 'onDidChangeMcpServerDefinitions'>>;
}

export function startAgents(services: Services): AgentFeatures {
  const host = vscodeAgentHost(services, () => vscode.workspace.workspaceFolders);
  const tools = new Map<string, vscode.LanguageModelTool<unknown>>();
  return {
    tool(name) {
      let tool = tools.get(name);
      if (!tool) {
        const spec = agentTool(name);
        if (!spec || spec.vscodeName !== name) throw new Error(`Foundry Mockups has no language model tool ${name}.`);
        tool = languageModelTool(services, host, spec);
        tools.set(name, tool);
      }
      return tool;
    },
    chat: (request, context, stream, token) => handleChat(services, host, request, context, stream, token),
    mcp: mcpServerProvider(services),
  };
}
