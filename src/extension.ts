/**
 * The activation shell: wiring only, and only what activation needs. It registers the contributed
 * commands, the Studio's serializer and the batch-file watch, each of which loads the rest of the
 * extension (dist/features.js: src/features.ts and everything it imports, the openai SDK, ajv,
 * @azure/identity and wasm-vips behind it) on first use. Nothing here imports the core.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as FeaturesModuleType from './features';
import type { McpServerDefinitionProvider, NewerLanguageModelApi } from './agents/hostApi';
import type { Features } from './features';

type FeaturesModule = typeof FeaturesModuleType;
import { READ_ONLY_SCHEME, ReadOnlyDocuments } from './host/readOnlyDocuments';
import type { UserInterface } from './host/ui';
import type { StudioHooks } from './studio/register';
import { STUDIO_VIEW_TYPE } from './studio/viewType';

/** When this module's code began to run, for `evaluationMs` (see the end of the file). */
const moduleStarted = performance.now();

/** What the extension exports to other extensions and to its own integration tests. */
export interface FoundryMockupsApi {
  /** Milliseconds `activate` took, measured inside it. */
  readonly activationMs: number;
  /** Milliseconds the evaluation of this module (the activation shell's bundle) took. */
  readonly evaluationMs: number;
  /** Replaces the window prompts and messages (tests record and answer them). */
  setUserInterface(ui: UserInterface | undefined): void;
  /** The folder of the extension's log file (`Foundry Mockups.log`), for checking what is logged. */
  readonly logUri: vscode.Uri;
  /** For tests and the benchmark: the open Studio's messages, rejections and timings. */
  readonly studio: StudioHooks;
  /** Whether the rest of the extension has been loaded (it is, after the first command). */
  readonly featuresLoaded: boolean;
  /** The extension's own files that were loaded when `activate` returned (paths relative to the extension). */
  readonly loadedAtActivation: readonly string[];
  /** For tests: the @mockups handler, the MCP server definition provider and each tool, as registered (src/agents). */
  readonly agents: Pick<Features['agents'], 'chat' | 'mcp' | 'tool'>;
}

interface Contributions {
  readonly commands?: ReadonlyArray<{ readonly command: string }>;
  readonly languageModelTools?: ReadonlyArray<{ readonly name: string }>;
  readonly chatParticipants?: ReadonlyArray<{ readonly id: string }>;
  readonly mcpServerDefinitionProviders?: ReadonlyArray<{ readonly id: string }>;
}

const BATCH_FILE = /\.mockups\.json$/i;

export function activate(context: vscode.ExtensionContext): FoundryMockupsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Foundry Mockups', { log: true });
  context.subscriptions.push(log);

  // Read-only documents (the batch estimate): registered here so that a preview VS Code restores finds its provider.
  const readOnlyDocuments = new ReadOnlyDocuments();
  context.subscriptions.push(readOnlyDocuments, vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, readOnlyDocuments));

  let userInterface: UserInterface | undefined;
  let loaded: Features | undefined;
  const features = (): Features => {
    if (!loaded) {
      const began = performance.now();
      // A path esbuild does not follow: dist/features.js is its own bundle, evaluated only now.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path.join(__dirname, 'features.js')) as FeaturesModule;
      loaded = module.start(context, log, userInterface, readOnlyDocuments);
      log.info(`Loaded the extension's features in ${(performance.now() - began).toFixed(1)} ms.`);
    }
    return loaded;
  };

  const contributes = (context.extension.packageJSON as { contributes?: Contributions }).contributes ?? {};
  const commands = (contributes.commands ?? []).map((c) => c.command);
  for (const id of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => features().runCommand(id, args)));
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel) => {
        features().reviveStudio(panel);
        return Promise.resolve();
      },
    }),
  );

  // Batch files get their problems listed once one is open, or once the workspace is known to
  // hold one (looked up after activation, off its path).
  const isBatch = (document: vscode.TextDocument): boolean => document.uri.scheme === 'file' && BATCH_FILE.test(document.uri.path);
  const watchBatchFiles = (): void => features().watchBatchFiles();
  if (vscode.workspace.textDocuments.some(isBatch)) {
    setTimeout(watchBatchFiles, 0);
  } else {
    const opened = vscode.workspace.onDidOpenTextDocument((document) => {
      if (!isBatch(document)) return;
      opened.dispose();
      watchBatchFiles();
    });
    context.subscriptions.push(opened);
    setTimeout(() => {
      void vscode.workspace.findFiles('**/*.mockups.json', '**/node_modules/**', 1).then(
        (found) => {
          if (found.length === 0) return;
          opened.dispose();
          watchBatchFiles();
        },
        () => undefined,
      );
    }, 0);
  }

  registerAgents(context, contributes, features, log);

  const activationMs = performance.now() - started;
  const root = context.extensionPath + path.sep;
  const loadedAtActivation = Object.keys(require.cache)
    .filter((file) => file.startsWith(root))
    .map((file) => file.slice(root.length).split(path.sep).join('/'));
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    evaluationMs,
    loadedAtActivation,
    setUserInterface: (ui) => {
      userInterface = ui;
      loaded?.setUserInterface(ui);
    },
    logUri: context.logUri,
    studio: {
      current: () => loaded?.studio.current(),
      revive: (panel) => features().studio.revive(panel),
    },
    agents: {
      chat: (...args) => features().agents.chat(...args),
      tool: (name) => features().agents.tool(name),
      get mcp() {
        return features().agents.mcp;
      },
    },
    get featuresLoaded() {
      return loaded !== undefined;
    },
  };
}

/**
 * The agent surfaces, where the host has their APIs (feature-detected, so that older hosts still
 * get the commands and the Studio): language model tools and @mockups (VS Code 1.95), the MCP
 * server definition provider (1.101; VS Code 1.100 has a function of that name that refuses our
 * contribution, hence the McpStdioServerDefinition check). Each is a proxy that loads the features
 * on first use; a host that refuses one surface still activates with the others.
 */
function registerAgents(context: vscode.ExtensionContext, contributes: Contributions, features: () => Features, log: vscode.LogOutputChannel): void {
  const attempt = (what: string, register: () => void): void => {
    try {
      register();
    } catch (error) {
      log.warn(`This host does not take the ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const lm = vscode.lm as (typeof vscode.lm & NewerLanguageModelApi) | undefined;
  if (typeof lm?.registerTool === 'function') {
    for (const { name } of contributes.languageModelTools ?? []) {
      attempt(`language model tool ${name}`, () =>
        context.subscriptions.push(
          lm.registerTool<unknown>(name, {
            prepareInvocation: (options, token) => features().agents.tool(name).prepareInvocation?.(options, token),
            invoke: (options, token) => features().agents.tool(name).invoke(options, token),
          }),
        ),
      );
    }
  }
  if (typeof vscode.chat?.createChatParticipant === 'function') {
    for (const { id } of contributes.chatParticipants ?? []) {
      attempt(`chat participant ${id}`, () => {
        const participant = vscode.chat.createChatParticipant(id, (...args) => features().agents.chat(...args));
        participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
        context.subscriptions.push(participant);
      });
    }
  }
  if (typeof lm?.registerMcpServerDefinitionProvider === 'function' && 'McpStdioServerDefinition' in vscode) {
    // The definitions change with the connection settings, the folders and the stored key.
    const changed = new vscode.EventEmitter<void>();
    const fire = (): void => changed.fire();
    context.subscriptions.push(
      changed,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('foundryMockups') && fire()),
      vscode.workspace.onDidChangeWorkspaceFolders(fire),
      context.secrets.onDidChange(fire),
    );
    for (const { id } of contributes.mcpServerDefinitionProviders ?? []) {
      const provider: McpServerDefinitionProvider = {
        onDidChangeMcpServerDefinitions: changed.event,
        provideMcpServerDefinitions: (token) => features().agents.mcp.provideMcpServerDefinitions(token),
        resolveMcpServerDefinition: (server, token) => features().agents.mcp.resolveMcpServerDefinition(server, token),
      };
      attempt(`MCP server definition provider ${id}`, () => context.subscriptions.push(lm.registerMcpServerDefinitionProvider?.(id, provider) ?? new vscode.Disposable(() => undefined)));
    }
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** The module's last statement: its evaluation ends here. */
const evaluationMs = performance.now() - moduleStarted;
