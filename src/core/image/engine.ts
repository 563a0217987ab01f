/**
 * The image engine: wasm-vips (libvips compiled to WebAssembly), loaded lazily and once.
 * Why wasm-vips: one universal build (no per-platform native binaries in the VSIX), libvips'
 * Lanczos3 resampling and codecs, and speed close to sharp (see docs/sizes.md and `npm run bench`).
 * It stays outside the esbuild bundle: it loads vips.wasm and its worker script from its own folder.
 * Its pthread workers are unref'd, so a process using it exits normally; `shutdownImageEngine`
 * is only needed to release memory early.
 */
import type Vips from 'wasm-vips';

export type VipsModule = typeof Vips;

export interface ImageEngineOptions {
  /** Receives libvips' diagnostic lines (default: dropped). */
  readonly log?: (line: string) => void;
  /** Bytes of the libvips operation cache (default 0: every pipeline here runs once). */
  readonly cacheBytes?: number;
}

let options: ImageEngineOptions = {};
let engine: Promise<VipsModule> | undefined;

/** Sets engine options; effective only before the first image operation. */
export function configureImageEngine(next: ImageEngineOptions): void {
  options = next;
}

/** The wasm-vips module, initialised on first use (about 150-200 ms) and reused afterwards. */
export function loadVips(): Promise<VipsModule> {
  engine ??= init().catch((error: unknown) => {
    engine = undefined; // allow a retry after a failed load
    throw error;
  });
  return engine;
}

async function init(): Promise<VipsModule> {
  const { default: factory } = await import('wasm-vips');
  const log = options.log;
  const vips = await factory({
    // Leave out the optional HEIF, JPEG XL and SVG modules: only PNG and JPEG are handled here.
    dynamicLibraries: [],
    print: (line: string) => log?.(line),
    printErr: (line: string) => log?.(line),
    // libvips prints warnings (such as "not enough data" for a truncated file) from its threads
    // straight to stderr; errors still throw and carry the message.
    preRun: (module?: { ENV?: Record<string, string> }) => {
      if (module?.ENV && !log) module.ENV.VIPS_WARNING = '0';
    },
  });
  // Every pipeline runs once on one buffer, so the operation cache would only hold memory.
  vips.Cache.max(options.cacheBytes ? 100 : 0);
  vips.Cache.maxMem(options.cacheBytes ?? 0);
  vips.Cache.maxFiles(0);
  // The bytes come from a remote service: refuse libvips' operations marked untrusted.
  vips.blockUntrusted(true);
  return vips;
}

/**
 * Drops libvips' caches and stops its threads. After this the engine cannot be used again in this
 * process (an Emscripten module does not restart). Optional: processes exit without it.
 */
export async function shutdownImageEngine(): Promise<void> {
  if (!engine) return;
  const vips = await engine;
  vips.shutdown();
  engine = Promise.reject(new Error('The image engine was shut down.'));
  engine.catch(() => undefined);
}
