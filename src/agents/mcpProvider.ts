/**
 * The MCP server for VS Code's own MCP clients (`contributes.mcpServerDefinitionProviders`, VS Code
 * 1.101+): `foundry-mockups mcp` from this extension's dist/cli.js, run by the extension host's own
 * Node, with the user's connection settings in its environment. The definition VS Code lists and
 * keeps carries no secret; the API key is read from SecretStorage only when VS Code starts the
 * server (resolveMcpServerDefinition) and handed to that process's environment, never written to
 * a settings or configuration file. Without a stored key the server signs in with
 * DefaultAzureCredential (Azure CLI, environment, managed identity), as the CLI does.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readConnectionSettings } from '../host/connection';
import { type Services, toolVersion } from '../host/services';
import { readSettings } from '../host/settings';
import type { McpServerDefinitionProvider, McpStdioServerDefinition, NewerVscode } from './hostApi';
import { workspaceRoots } from './host';

export const MCP_SERVER_LABEL = 'Foundry Mockups';
const API_KEY_VARIABLE = 'AZURE_OPENAI_API_KEY';

/** The environment of the server: the connection as configured, never a key or token. */
export function connectionEnvironment(): Record<string, string> {
  const s = readSettings();
  const read = readConnectionSettings();
  const settings = 'settings' in read ? read.settings : undefined;
  const env: Record<string, string> = {
    // VS Code desktop's execPath is Electron: run it as plain Node.
    ELECTRON_RUN_AS_NODE: '1',
  };
  const set = (name: string, value: string | undefined): void => {
    if (value) env[name] = value;
  };
  set('AZURE_OPENAI_ENDPOINT', settings?.endpoint ?? s.endpoint);
  set('AZURE_OPENAI_DEPLOYMENT', settings?.deployment ?? s.deployment);
  set('AZURE_OPENAI_MODEL', settings?.model ?? s.model);
  set('AZURE_OPENAI_API_MODE', settings?.apiMode ?? s.apiMode);
  set('AZURE_OPENAI_API_VERSION', settings?.apiVersion ?? s.apiVersion);
  set('AZURE_TENANT_ID', settings?.tenant ?? s.tenant);
  return env;
}

export function mcpServerProvider(services: Services): Required<Omit<McpServerDefinitionProvider, 'onDidChangeMcpServerDefinitions'>> {
  return {
    provideMcpServerDefinitions() {
      const Definition = (vscode as unknown as NewerVscode).McpStdioServerDefinition;
      if (!Definition) return [];
      const roots = workspaceRoots(vscode.workspace.workspaceFolders);
      const cli = path.join(services.context.extensionPath, 'dist', 'cli.js');
      // One folder: it is the workspace. Several: the server asks VS Code for its roots.
      const args = [cli, 'mcp', ...(roots.length === 1 ? ['--workspace', roots[0]] : [])];
      const definition = new Definition(MCP_SERVER_LABEL, process.execPath, args, connectionEnvironment(), toolVersion(services));
      if (roots.length === 1) definition.cwd = vscode.Uri.file(roots[0]);
      return [definition];
    },

    async resolveMcpServerDefinition(server: McpStdioServerDefinition): Promise<McpStdioServerDefinition> {
      const auth = readSettings().auth;
      const key = auth === 'apiKey' || auth === 'auto' ? await services.apiKeys.get() : undefined;
      if (key) {
        server.env = { ...server.env, [API_KEY_VARIABLE]: key };
        services.log.info('Starting the Foundry Mockups MCP server with the API key from secret storage.');
      } else {
        services.log.info('Starting the Foundry Mockups MCP server with DefaultAzureCredential (no API key stored).');
      }
      return server;
    },
  };
}
