/**
 * `npm run emulator`: starts the Foundry emulator on its own (HELP below; README.md beside it).
 * The first line on stdout is one JSON object `{"endpoint", "apiKey", "deployment", "model",
 * "token"}`; everything else goes to stderr.
 */
import { parseArgs } from 'node:util';
import { MODEL_FAMILIES, isModelFamily } from '../../src/core/sizes/rules';
import { type EmulatorFault, FAULT_TYPES, parseFaultSpec, startEmulator, type EmulatorOptions } from './server';

const HELP = `Usage: npm run emulator -- [options]

Starts the Foundry emulator: a local HTTP server that speaks the Azure OpenAI / Foundry image
contract. Its first line on stdout is JSON: {"endpoint", "apiKey", "deployment", "model", "token"}.

Options:
  --port N             listen on N (default: a random free port)
  --model M            model family of the default deployment (default gpt-image-2)
  --deployment NAME    default deployment name (default: the model name)
  --quota N/MS         at most N images per MS milliseconds, then 429 with retry-after
  --api-key KEY        the key to accept (default: random)
  --token TOKEN        the bearer token to accept (default: random)
  --latency MS         added to every request
  --stream-interval MS between streamed events
  --fault SPEC         queue a fault for the next request (repeat for more, consumed in order)
  -h, --help           show this help

Fault SPECs (name[:argument]):
  rateLimit            429 without any retry header (Azure's EngineOverloaded)
  rateLimit:MS         429 with retry-after-ms MS (and retry-after)
  status:CODE          that HTTP status with the service's error body (500, 503, 409...)
  delay:MS             answer MS later
  reset                connection reset mid-body (mid-stream when streaming)
  malformedJson        a 200 whose JSON body is cut off (with its request id)
  badBase64            a 200 whose b64_json is not base64
  notImage             a 200 whose b64_json decodes to an HTML page, not an image
  truncatedImage[:F]   a 200 whose image is cut short (keeps the fraction F, default 0.5)
  echoKey[:CODE]       the answer echoes the client's api-key in its request-id headers
  undecodableImage     a 200 whose image is a complete JPEG image processing cannot decode
  safety:SHAPE         a content-safety block (${'promptBlocked, outputFiltered, contentPolicyViolation, moderationBlocked, contentFilter'})
  forbidden:role|blocked, unauthorized, streamError[:AFTER_PARTIALS]

Magic prompts: a prompt containing [fault:SPEC] gets that fault on every request, and
[fault:SPEC xN] on its first N requests only, e.g. "Login screen [fault:truncatedImage x1]".
`;

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(2);
}

function nonNegative(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number >= 0 (got ${text})`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      model: { type: 'string', default: 'gpt-image-2' },
      deployment: { type: 'string' },
      quota: { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      latency: { type: 'string' },
      'stream-interval': { type: 'string' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const faults: EmulatorFault[] = [];
  for (const spec of values.fault ?? []) {
    try {
      faults.push(parseFaultSpec(spec));
    } catch (error) {
      fail(`--fault: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const model = values.model;
  if (!isModelFamily(model)) fail(`--model must be one of ${MODEL_FAMILIES.join(', ')}`);
  let quota: EmulatorOptions['quota'];
  if (values.quota !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(values.quota);
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) fail('--quota must be IMAGES/WINDOW_MS, such as 5/60000');
    quota = { images: Number(match[1]), windowMs: Number(match[2]) };
  }
  const port = nonNegative('port', values.port);
  const latencyMs = nonNegative('latency', values.latency);
  const streamIntervalMs = nonNegative('stream-interval', values['stream-interval']);
  const emulator = await startEmulator({
    ...(port !== undefined ? { port } : {}),
    deployments: { [values.deployment ?? model]: model },
    ...(quota ? { quota } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values.token ? { token: values.token } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(streamIntervalMs !== undefined ? { streamIntervalMs } : {}),
    ...(faults.length ? { faults } : {}),
  });
  process.stdout.write(
    JSON.stringify({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, deployment: emulator.deployment, model: emulator.model, token: emulator.token }) + '\n',
  );
  process.stderr.write(`Foundry emulator listening on ${emulator.endpoint} (deployment ${emulator.deployment}, ${emulator.model}${quota ? `, quota ${quota.images}/${quota.windowMs} ms` : ''}${faults.length ? `, ${faults.length} fault(s) queued` : ''}). Faults: ${FAULT_TYPES.join(', ')} (--help). Ctrl+C stops it.\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
