/**
 * The @mockups chat participant, without VS Code: `/generate`, `/refine`, `/sizes` and `/find` (free
 * text is `/generate`) over the same tools as the agents get. With the chat's model, free text and
 * the conversation become the generate tool's input (a template's fields, sizes, locales); the
 * model's answer is untrusted and parsed with the tool's own schema. Without a model, or when its
 * answer cannot be used, the text is the prompt. The surface hands in a ChatSink that renders.
 */
import * as v from 'valibot';
import type { PresetFinder } from '../generation';
import { TEMPLATES } from '../prompts';
import type { Preset } from '../sizes/presets';
import { formatUsd } from '../pricing';
import { type AgentPreview, previewsOf } from './preview';
import { ProgressTracker } from './progress';
import { GenerateMockupInput, inputJsonSchema } from './schemas';
import { type AgentFile, type AgentHost, type AgentOutcome, invokeAgentTool, prepareCall, type PreparedCall, problemsOf, runCall } from './tools';

/** A language model as the participant uses it: one prompt in, its whole answer out. */
export type TextModel = (prompt: string, signal?: AbortSignal) => Promise<string>;

export const CHAT_COMMANDS = ['generate', 'refine', 'sizes', 'find'] as const;
export type ChatCommand = (typeof CHAT_COMMANDS)[number];

export interface ChatTurn {
  readonly prompt: string;
  readonly command?: string;
  /** Workspace-relative images our answer to this turn wrote or found. */
  readonly files?: readonly string[];
}

export interface ChatRequestInput {
  readonly command?: string;
  readonly prompt: string;
  /** Workspace paths of the files attached to the request (`#file`), in order. */
  readonly references?: readonly string[];
}

export interface ChatSink {
  progress(message: string): void;
  markdown(text: string): void;
  /** One image of a result, with its preview when there is one (the surface adds open and reveal). */
  image(file: AgentFile, preview: AgentPreview | undefined): void;
}

export interface ChatOptions {
  readonly model?: TextModel;
  readonly history?: readonly ChatTurn[];
  readonly signal?: AbortSignal;
  /** Asked before a paid call is sent (the surface's spending rule); false stops it. */
  readonly confirm?: (call: PreparedCall) => Promise<boolean>;
}

/** What the participant keeps of a turn (the surface stores it as the chat result's metadata). */
export interface ChatTurnResult {
  readonly command: ChatCommand;
  readonly files: readonly string[];
  readonly isError: boolean;
  readonly cancelled?: boolean;
  /** Whether the chat's model filled the input. */
  readonly usedModel?: boolean;
}

export async function handleChatRequest(request: ChatRequestInput, host: AgentHost, sink: ChatSink, options: ChatOptions = {}): Promise<ChatTurnResult> {
  const command: ChatCommand = (CHAT_COMMANDS as readonly string[]).includes(request.command ?? '') ? (request.command as ChatCommand) : 'generate';
  const text = request.prompt.trim();
  switch (command) {
    case 'sizes': {
      const sizes = text.split(/[\s,;]+/).filter(Boolean);
      if (sizes.length === 0) {
        sink.markdown('Name the sizes to plan, such as `/sizes iphone-16 390x844@3x og-image 1200x630`.');
        return { command, files: [], isError: true };
      }
      const outcome = await invokeAgentTool('plan_sizes', { sizes: sizes.slice(0, 24) }, host);
      sink.markdown(asMarkdown(outcome.text));
      return { command, files: [], isError: outcome.isError };
    }
    case 'find': {
      const outcome = await invokeAgentTool('find_mockups', text ? { text: text.slice(0, 500), limit: 12 } : { limit: 12 }, host);
      const [summary = ''] = outcome.text.split('\n');
      sink.markdown(asMarkdown(summary));
      const previews = await previewsOf(outcome.files);
      for (const file of outcome.files) sink.image(file, previews.find((p) => p.path === file.path));
      return { command, files: outcome.files.map((f) => f.path), isError: outcome.isError };
    }
    case 'refine': {
      const image = request.references?.find(isImagePath) ?? pathIn(text) ?? lastImage(options.history);
      const change = text.replace(pathIn(text) ?? '\u0000', '').trim();
      if (!image || !change) {
        sink.markdown(image ? `Say what to change in \`${image}\`, such as \`/refine make the header dark\`.` : 'Attach the image to refine (`#file`), or name it (`/refine mockups/login.png make the header dark`).');
        return { command, files: [], isError: true };
      }
      return paid('refine_mockup', command, { image, change }, host, sink, options, false);
    }
    case 'generate': {
      if (!text) {
        sink.markdown('Describe the mockup, such as `@mockups the login screen of a banking app at iphone-16 and og-image, in Japanese too`.');
        return { command, files: [], isError: true };
      }
      const interpreted = await interpretGenerate(text, options.history ?? [], options.model, await host.env(host.model()).then((env) => env.catalogue), options.signal);
      if (interpreted.note) sink.progress(interpreted.note);
      return paid('generate_mockup', command, interpreted.input, host, sink, options, interpreted.usedModel);
    }
  }
}

async function paid(tool: 'generate_mockup' | 'refine_mockup', command: ChatCommand, input: unknown, host: AgentHost, sink: ChatSink, options: ChatOptions, usedModel: boolean): Promise<ChatTurnResult> {
  const fail = (outcome: Pick<AgentOutcome, 'text' | 'cancelled'>): ChatTurnResult => {
    sink.markdown(asMarkdown(outcome.text));
    return { command, files: [], isError: true, usedModel, ...(outcome.cancelled ? { cancelled: true } : {}) };
  };
  let call: PreparedCall;
  try {
    call = await prepareCall(tool, input, host);
  } catch (error) {
    return fail({ text: error instanceof Error ? error.message : String(error) });
  }
  const problems = problemsOf(call);
  if (problems) return fail({ text: problems });
  sink.progress(call.prepared.estimate.summary);
  for (const warning of call.prepared.warnings) sink.markdown(`> ${warning}\n`);
  if (options.confirm && !(await options.confirm(call))) return fail({ text: 'Not sent: nothing was generated.' });
  let outcome: AgentOutcome;
  try {
    const connection = await host.connect();
    if (connection.model !== call.prepared.model) call = await prepareCall(tool, input, host, connection.model);
    const tracker = new ProgressTracker();
    outcome = await runCall(call, connection, host, { ...(options.signal ? { signal: options.signal } : {}), onEvent: (event) => sink.progress(tracker.track(event).message) });
  } catch (error) {
    return fail({ text: error instanceof Error ? error.message : String(error) });
  }
  if (outcome.isError) {
    sink.markdown(asMarkdown(outcome.text));
  } else {
    const verb = tool === 'refine_mockup' ? 'Refined' : 'Generated';
    sink.markdown(`${verb} ${outcome.files.length} image(s), ${outcome.costUsd !== undefined ? formatUsd(outcome.costUsd) : 'cost unknown'}.\n`);
  }
  for (const file of outcome.files) sink.image(file, outcome.previews.find((p) => p.path === file.path));
  return { command, files: outcome.files.map((f) => f.path), isError: outcome.isError, usedModel, ...(outcome.cancelled ? { cancelled: true } : {}) };
}

// ---------------------------------------------------------------------------------------------

/** What the chat's model may fill; the folder and file name stay the user's (or the defaults). */
const ModelFilled = v.object({
  prompt: v.optional(v.unknown()),
  template: v.optional(v.unknown()),
  sizes: v.optional(v.unknown()),
  locales: v.optional(v.unknown()),
  quality: v.optional(v.unknown()),
  variants: v.optional(v.unknown()),
});

/** The generate tool's input for free text: filled by the chat's model, or the text itself. */
export async function interpretGenerate(
  text: string,
  history: readonly ChatTurn[],
  model: TextModel | undefined,
  catalogue: PresetFinder,
  signal?: AbortSignal,
): Promise<{ input: GenerateMockupInput; usedModel: boolean; note?: string }> {
  const plain = { input: { prompt: text }, usedModel: false };
  if (!model) return plain;
  let answer: string;
  try {
    answer = await model(interpretationPrompt(text, history, catalogue), signal);
  } catch {
    return { ...plain, note: 'The chat model did not answer: using your words as the prompt.' };
  }
  const json = firstJsonObject(answer);
  const filled = json === undefined ? undefined : v.safeParse(ModelFilled, json);
  if (!filled?.success) return { ...plain, note: 'The chat model\'s answer could not be used: using your words as the prompt.' };
  const picked = Object.fromEntries(Object.entries(filled.output).filter(([, value]) => value !== undefined && value !== null));
  const input = v.safeParse(GenerateMockupInput, picked);
  if (!input.success || (!input.output.prompt && !input.output.template)) return { ...plain, note: 'The chat model\'s answer did not fit the tool\'s input: using your words as the prompt.' };
  return { input: input.output, usedModel: true };
}

function interpretationPrompt(text: string, history: readonly ChatTurn[], catalogue: PresetFinder): string {
  const presets = (catalogue as { presets?: readonly Preset[] }).presets ?? [];
  const templates = TEMPLATES.map((t) => `- ${t.id}: ${t.description} Fields: ${t.fields.map((f) => `${f.id}${f.required ? ' (required)' : ''} e.g. "${f.example}"`).join('; ')}`);
  const earlier = history.slice(-6).map((turn) => `- ${turn.command ? `/${turn.command} ` : ''}${turn.prompt}`);
  return [
    'You turn a request for UI mockup images into the input of an image generation tool. Answer with ONE JSON object and nothing else.',
    `The object follows this JSON Schema (use only these fields: prompt, template, sizes, locales, quality, variants): ${JSON.stringify(inputJsonSchema(GenerateMockupInput))}`,
    'Use a template when one fits, with its fields filled from the request; put any other wishes in prompt. Without a fitting template, write prompt as one clear description of the image.',
    `Templates:\n${templates.join('\n')}`,
    `Sizes are preset ids, WIDTHxHEIGHT or WIDTHxHEIGHT@Nx. Preset ids: ${presets.map((p) => p.id).join(', ')}. Leave sizes out when the request names none.`,
    'locales: BCP 47 tags for each language asked for (ja for Japanese, ko, zh-Hans, hi, bn, ar, ...); leave out when none is asked for. Never add quality or variants unless asked.',
    ...(earlier.length ? [`Earlier requests in this conversation (for context only):\n${earlier.join('\n')}`] : []),
    `Request: ${text}`,
  ].join('\n\n');
}

/** The first balanced {...} of a text (models wrap JSON in prose or code fences). */
export function firstJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length && i < start + 20_000; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1)) as unknown;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function isImagePath(file: string): boolean {
  return /\.(png|jpe?g)$/i.test(file);
}

function pathIn(text: string): string | undefined {
  return /(?:^|\s)([^\s"'`]+\.(?:png|jpe?g))(?=\s|$)/i.exec(text)?.[1];
}

function lastImage(history: readonly ChatTurn[] | undefined): string | undefined {
  for (const turn of [...(history ?? [])].reverse()) {
    const file = turn.files?.find(isImagePath);
    if (file) return file;
  }
  return undefined;
}

/** Plain text lines as Markdown: paths and ids in code spans, list lines kept. */
function asMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|[\s(])((?:[\w.-]+\/)*[\w.-]+\.(?:png|jpe?g|json))(?=[\s),;:]|$)/gi, '$1`$2`'))
    .join('  \n');
}
