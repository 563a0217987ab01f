/** `foundry-mockups mcp`: the MCP server on stdio, for Claude Code, Codex, Cursor and VS Code. */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { serveMcp } from '../mcp/server';
import { CONNECTION_HELP, CONNECTION_OPTIONS } from '../common';
import { type CliCommand, type CliIO, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups mcp [--workspace <folder>] [--async-after <seconds>] [options]

Serves the Model Context Protocol on stdin/stdout with four tools: generate_mockup,
refine_mockup (paid), plan_sizes and find_mockups (free). Images and their sidecars are
written inside the workspace root only: --workspace, else the client's MCP roots, else the
current folder. Logs go to stderr; stdout carries only the protocol.

Options:
  --workspace <folder>    the workspace root (default: the client's roots, else the current folder)
  --async-after <sec>     a paid call still running after this many seconds answers with a job id,
                          and the get_job tool returns its result (for clients with short tool
                          timeouts; 0 answers with a job id at once)
  --presets <file>        size presets file (default .vscode/mockups.json in the workspace)
  --design-system <file>  the design system sent with every prompt (default: found in the workspace)
  -h, --help              show this help

${CONNECTION_HELP}

Example (Claude Code):
  claude mcp add foundry-mockups -e AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com \\
    -e AZURE_OPENAI_DEPLOYMENT=gpt-image-2 -- npx -y foundry-mockups mcp --async-after 45
`;

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the agent tools over the Model Context Protocol (stdio)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(
      'mcp',
      args,
      {
        ...CONNECTION_OPTIONS,
        workspace: { type: 'string' },
        'async-after': { type: 'string' },
        presets: { type: 'string' },
        'design-system': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      false,
    );
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    let workspace: string | undefined;
    if (values.workspace !== undefined) {
      workspace = path.resolve(io.cwd, values.workspace);
      let isFolder = false;
      try {
        isFolder = statSync(workspace).isDirectory();
      } catch {
        // reported below
      }
      if (!isFolder) throw new UsageError(`--workspace "${values.workspace}" is not a folder: give the project's root folder.`);
    }
    let asyncAfterSeconds: number | undefined;
    if (values['async-after'] !== undefined) {
      asyncAfterSeconds = Number(values['async-after']);
      if (!Number.isFinite(asyncAfterSeconds) || asyncAfterSeconds < 0 || asyncAfterSeconds > 3600) throw new UsageError(`--async-after takes a number of seconds from 0 to 3600, not "${values['async-after']}".`);
    }
    await serveMcp({ values, io, ...(workspace ? { workspace } : {}), ...(asyncAfterSeconds !== undefined ? { asyncAfterSeconds } : {}) });
    return EXIT_OK;
  },
};
