/**
 * Types of the VS Code APIs newer than `engines.vscode` (1.95) that the agent surfaces use where the
 * host has them, feature-detected at run time: the MCP server definition provider (VS Code 1.101)
 * and LanguageModelDataPart (1.106). Declared here, as in @types/vscode 1.106, because the
 * extension's @types/vscode stays at its minimum engine (vsce refuses newer types than the engine).
 * Types only: nothing here exists at run time.
 */
import type * as vscode from 'vscode';

export interface McpStdioServerDefinition {
  readonly label: string;
  cwd?: vscode.Uri;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  version?: string;
}

export type McpStdioServerDefinitionConstructor = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;

export interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioServerDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition>;
}

export interface NewerLanguageModelApi {
  registerMcpServerDefinitionProvider?(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
}

export interface LanguageModelDataPartStatic {
  image(data: Uint8Array, mime: string): unknown;
}

/** The parts of the `vscode` module that only newer hosts have. */
export interface NewerVscode {
  readonly McpStdioServerDefinition?: McpStdioServerDefinitionConstructor;
  readonly LanguageModelDataPart?: LanguageModelDataPartStatic;
}
