/**
 * The Foundry client's own overhead per request against the emulator, as a ratio to a raw
 * `http.request` round trip of the same request (same body, same headers, keep-alive) in the same
 * run. Client and raw calls are interleaved so both see the same machine load; the emulator caches
 * its rendered images, so what differs is the client (validation, SDK, multipart, JSON and base64
 * decoding, result building).
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createFoundryClient } from '../src/core/foundry';
import { renderWireframe } from '../test/emulator/render';
import { startEmulator } from '../test/emulator/server';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 200);
const WARMUP = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rawRequest(agent: http.Agent, url: URL, headers: Record<string, string>, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`raw request: HTTP ${String(res.statusCode)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(label: string, client: () => Promise<unknown>, raw: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) {
    await client();
    await raw();
  }
  const clientTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const order = i % 2 === 0;
    for (const which of order ? ['client', 'raw'] : ['raw', 'client']) {
      const start = performance.now();
      await (which === 'client' ? client() : raw());
      (which === 'client' ? clientTimes : rawTimes).push(performance.now() - start);
    }
  }
  clientTimes.sort((a, b) => a - b);
  rawTimes.sort((a, b) => a - b);
  const c50 = percentile(clientTimes, 50);
  const r50 = percentile(rawTimes, 50);
  const c95 = percentile(clientTimes, 95);
  const r95 = percentile(rawTimes, 95);
  console.log(
    `${label.padEnd(34)} client median ${c50.toFixed(2)} ms, p95 ${c95.toFixed(2)} ms | raw http median ${r50.toFixed(2)} ms, p95 ${r95.toFixed(2)} ms | ratio median ${(c50 / r50).toFixed(2)}x, p95 ${(c95 / r95).toFixed(2)}x | overhead median ${(c50 - r50).toFixed(2)} ms`,
  );
}

async function main(): Promise<void> {
  const emu = await startEmulator({ deployments: { 'gpt-image-2': 'gpt-image-2' } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const client = createFoundryClient({ endpoint: emu.endpoint, deployment: emu.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: { kind: 'apiKey', apiKey: emu.apiKey } });
    console.log(`Foundry client vs raw http.request, ${ITERATIONS} interleaved requests each after ${WARMUP} warm-up, Node ${process.version}`);

    const generation = { prompt: 'A settings page for a mobile banking app', size: '1024x640', quality: 'low' as const };
    const generationBody = Buffer.from(JSON.stringify({ prompt: generation.prompt, model: emu.deployment, size: generation.size, quality: generation.quality }));
    const jsonHeaders = { 'api-key': emu.apiKey, 'content-type': 'application/json', accept: 'application/json' };
    await measure('generate 1024x640 png (JSON)', () => client.generate(generation), () => rawRequest(agent, new URL(`${emu.endpoint}/openai/v1/images/generations`), jsonHeaders, generationBody));

    const input = await renderWireframe({ width: 1024, height: 1024, format: 'png', prompt: 'input' });
    const form = new FormData();
    form.append('prompt', 'Make it dark');
    form.append('model', emu.deployment);
    form.append('size', '1024x1024');
    form.append('quality', 'low');
    form.append('image', new Blob([input], { type: 'image/png' }), 'image-1.png');
    const encoded = new Response(form);
    const formBody = Buffer.from(await encoded.arrayBuffer());
    const formHeaders = { 'api-key': emu.apiKey, 'content-type': encoded.headers.get('content-type')!, accept: 'application/json' };
    await measure('edit 1024x1024 png (multipart)', () => client.edit({ prompt: 'Make it dark', size: '1024x1024', quality: 'low', images: [{ bytes: input }] }), () => rawRequest(agent, new URL(`${emu.endpoint}/openai/v1/images/edits`), formHeaders, formBody));

    const streamBody = Buffer.from(JSON.stringify({ prompt: generation.prompt, model: emu.deployment, size: generation.size, quality: 'low', stream: true, partial_images: 2 }));
    await measure('generate streamed, 2 partials (SSE)', () => client.generate({ ...generation, partialImages: 2 }, { onPartialImage: () => undefined }), () => rawRequest(agent, new URL(`${emu.endpoint}/openai/v1/images/generations`), { ...jsonHeaders, accept: 'text/event-stream' }, streamBody));
  } finally {
    agent.destroy();
    await emu.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
