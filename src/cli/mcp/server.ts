/**
 * The MCP server (`foundry-mockups mcp`, stdio) for Claude Code, Codex, Cursor and VS Code's own MCP
 * client, on the official TypeScript SDK's low-level Server (the tools' JSON Schemas come from the
 * agent layer's valibot schemas, not from zod). It only adapts: each tool call goes to the agent
 * layer (src/core/agents), whose outcome becomes text + image content (previews) + a resource link
 * per file; the use case's events become progress notifications. Files go under one workspace
 * root: --workspace, else the client's MCP roots, else the working folder; never outside.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, type CallToolResult, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  AGENT_TOOLS,
  type AgentConnection,
  type AgentHost,
  type AgentOutcome,
  agentTool,
  GET_JOB_TOOL,
  inputJsonSchema,
  invokeAgentTool,
  JobStore,
  parseToolInput,
  ProgressTracker,
  runningText,
  startedText,
  type Delay,
} from '../../core/agents';
import { GetJobInput } from '../../core/agents/schemas';
import { resolvePricing } from '../../core/pricing';
import type { PromptDesign } from '../../core/generation';
import { connect, modelFrom, readCatalogue, readDesignSystem, TOOL_VERSION } from '../common';
import type { CliIO } from '../io';

export interface McpServerOptions {
  /** The workspace root; without it, the client's roots, else `io.cwd`. */
  readonly workspace?: string;
  /** Paid calls still running after this many seconds answer with a job id (get_job). */
  readonly asyncAfterSeconds?: number;
  /** The parsed connection flags (`--endpoint` ...) and `--presets`. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly io: CliIO;
  /** The wait of --async-after and get_job (tests inject one). */
  readonly delay?: Delay;
}

/** Builds the server (not yet connected to a transport). */
export function createMcpServer(options: McpServerOptions): { server: Server; jobs: JobStore } {
  const { io, values } = options;
  const server = new Server({ name: 'foundry-mockups', title: 'Foundry Mockups', version: TOOL_VERSION }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  const jobs = new JobStore(options.delay);
  const log = (line: string): void => io.stderr(`foundry-mockups mcp: ${line}\n`);

  let connection: Promise<AgentConnection> | undefined;
  // The design system of each root, read once per server (its warnings printed once).
  const designs = new Map<string, Promise<PromptDesign | undefined>>();
  const designOf = (root: string): Promise<PromptDesign | undefined> => {
    let design = designs.get(root);
    if (!design) {
      const pinned = typeof values['design-system'] === 'string' ? values['design-system'] : undefined;
      design = readDesignSystem({ ...io, cwd: root }, pinned);
      designs.set(root, design);
      design.catch(() => designs.delete(root));
    }
    return design;
  };
  const host: AgentHost = {
    roots: () => workspaceRoots(server, options),
    outputFolder: () => 'mockups',
    model: () => modelFrom(values, io),
    env: async (model) => {
      const [root] = await host.roots();
      const presets = typeof values['presets'] === 'string' ? values['presets'] : undefined;
      const designSystem = await designOf(root ?? io.cwd);
      return { model, catalogue: await readCatalogue({ ...io, cwd: root ?? io.cwd }, presets), pricing: resolvePricing(model), ...(designSystem ? { designSystem } : {}) };
    },
    connect: () => {
      connection ??= connect(values, io).then(
        (c) => {
          log(`connected to ${c.info.endpointHost}, deployment ${c.info.deployment} (${c.settings.model}), with ${c.description}.`);
          return { client: c.client, info: c.info, pricing: c.pricing, model: c.settings.model };
        },
        (error: unknown) => {
          connection = undefined; // fix the environment and call again
          throw error;
        },
      );
      return connection;
    },
    toolVersion: TOOL_VERSION,
  };

  const asyncAfter = options.asyncAfterSeconds;
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      ...AGENT_TOOLS.map((t) => ({
        name: t.name,
        title: t.title,
        description: t.description,
        inputSchema: inputJsonSchema(t.schema) as { type: 'object' },
        annotations: { title: t.title, readOnlyHint: !t.paid, destructiveHint: false, idempotentHint: !t.paid, openWorldHint: t.paid },
      })),
      ...(asyncAfter !== undefined
        ? [{ name: GET_JOB_TOOL.name, title: GET_JOB_TOOL.title, description: GET_JOB_TOOL.description, inputSchema: inputJsonSchema(GET_JOB_TOOL.schema) as { type: 'object' }, annotations: { readOnlyHint: true } }]
        : []),
    ],
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    if (name === GET_JOB_TOOL.name && asyncAfter !== undefined) {
      let input;
      try {
        input = parseToolInput(GetJobInput, args);
      } catch (error) {
        return errorResult(error);
      }
      const job = jobs.get(input.jobId);
      if (!job) return errorResult(new Error(`No job ${input.jobId} on this server (jobs live as long as the server runs): call generate_mockup or refine_mockup again.`));
      const outcome = await jobs.within(job, (input.waitSeconds ?? asyncAfter) * 1000);
      return outcome ? toolResult(outcome) : { content: [{ type: 'text', text: runningText(job) }] };
    }
    const spec = agentTool(name);
    if (!spec || spec.name !== name) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${name}: use ${AGENT_TOOLS.map((t) => t.name).join(', ')}.`);
    if (!spec.paid) return toolResult(await invokeAgentTool(name, args, host));

    // Progress notifications only while this call is open: the token is the call's.
    const progressToken = request.params._meta?.progressToken;
    let answered = false;
    const notify = (step: { progress: number; total: number; message: string }): void => {
      if (progressToken === undefined || answered) return;
      void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...step } }).catch(() => undefined);
    };
    const run = (tracker: ProgressTracker, signal: AbortSignal): Promise<AgentOutcome> => invokeAgentTool(name, args, host, { signal, onEvent: (event) => notify(tracker.track(event)) });

    if (asyncAfter === undefined) {
      const outcome = await run(new ProgressTracker(), extra.signal);
      answered = true;
      return toolResult(outcome);
    }
    const job = jobs.start(name, run);
    // A client that cancels the call before it answers cancels the job; after that, get_job owns it.
    const cancel = (): void => job.cancel();
    extra.signal.addEventListener('abort', cancel, { once: true });
    const outcome = await jobs.within(job, asyncAfter * 1000);
    extra.signal.removeEventListener('abort', cancel);
    answered = true;
    if (outcome) return toolResult(outcome);
    log(`${name} goes on as job ${job.id}.`);
    return { content: [{ type: 'text', text: startedText(job, asyncAfter) }] };
  });

  return { server, jobs };
}

/** Serves over stdio until the client closes the stream; running jobs are cancelled then. */
export async function serveMcp(options: McpServerOptions, transport: Transport = new StdioServerTransport()): Promise<void> {
  const { server, jobs } = createMcpServer(options);
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => {
      jobs.cancelAll();
      resolve();
    };
  });
  await server.connect(transport);
  options.io.stderr(`foundry-mockups mcp ${TOOL_VERSION}: serving ${AGENT_TOOLS.length} tools on stdio${options.workspace ? ` in ${options.workspace}` : ''}.\n`);
  await closed;
}

const INSTRUCTIONS =
  'Foundry Mockups generates UI/UX mockup images with gpt-image on the user\'s Microsoft Foundry deployment, straight into the workspace at exact design-system sizes and in several locales. ' +
  'Use plan_sizes (free) to choose sizes, find_mockups (free) to reuse earlier mockups, generate_mockup and refine_mockup (paid) to make images. Results name workspace-relative files; previews are small.';

/** --workspace, else the client's file roots that exist, else the working folder. */
async function workspaceRoots(server: Server, options: McpServerOptions): Promise<string[]> {
  if (options.workspace) return [path.resolve(options.io.cwd, options.workspace)];
  if (server.getClientCapabilities()?.roots) {
    try {
      const { roots } = await server.listRoots(undefined, { timeout: 10_000 });
      const folders = roots.flatMap((r) => {
        if (!r.uri.startsWith('file:')) return [];
        try {
          const folder = fileURLToPath(r.uri);
          return existsSync(folder) && statSync(folder).isDirectory() ? [folder] : [];
        } catch {
          return [];
        }
      });
      if (folders.length > 0) return folders;
    } catch {
      // a client that announced roots but does not answer: the working folder
    }
  }
  return [options.io.cwd];
}

function toolResult(outcome: AgentOutcome): CallToolResult {
  return {
    content: [
      { type: 'text', text: outcome.text },
      ...outcome.previews.map((p) => ({ type: 'image' as const, data: Buffer.from(p.data).toString('base64'), mimeType: p.mimeType, annotations: { audience: ['user' as const, 'assistant' as const] } })),
      ...outcome.files.map((f) => ({
        type: 'resource_link' as const,
        uri: pathToFileURL(f.absolute).href,
        name: path.basename(f.path),
        title: f.path,
        mimeType: f.format === 'jpeg' || /\.jpe?g$/i.test(f.path) ? 'image/jpeg' : 'image/png',
        ...(f.width && f.height ? { description: `${f.width}x${f.height} px${f.locale ? `, ${f.locale}` : ''}` } : {}),
        ...(f.bytes !== undefined ? { size: f.bytes } : {}),
      })),
    ],
    ...(outcome.isError ? { isError: true } : {}),
  };
}

function errorResult(error: unknown): CallToolResult {
  return { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true };
}
