/**
 * From file texts to a DesignContext, without touching the file system: which reader a file needs,
 * and the source record (files, hashes, label) that goes with the context.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { type ColorConverter, loadColorConverter } from './color';
import { DesignBuilder } from './context';
import { loadPostcss, type Postcss, readCss, sniffCss } from './css';
import { readDesignMd } from './designMd';
import { readDtcg, type TextFile } from './dtcg';
import { Problems } from './problems';
import { readStyleGuide } from './styleGuide';
import { type BabelParser, loadBabelParser, readTailwindConfig, TAILWIND_CONFIG } from './tailwindConfig';
import type { DesignContext, DesignSource, DesignSourceFile, DesignSourceKind } from './types';

export interface DesignFileText extends TextFile {
  /** SHA-256 of the file's bytes; computed from the text (as UTF-8) when not given. */
  readonly sha256?: string;
  readonly bytes?: number;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Which reader a file needs, from its name and, where the name does not tell, its text. */
export function designKindOf(file: string, text: string): DesignSourceKind {
  const name = path.posix.basename(file.replace(/\\/g, '/'));
  if (/^design\.md$/i.test(name)) return 'design-md';
  if (/\.tokens(\.json)?$/i.test(name)) return 'dtcg';
  if (TAILWIND_CONFIG.test(name)) return 'tailwind-v3';
  if (/\.css$/i.test(name)) return sniffCss(text).theme ? 'tailwind-v4' : 'css-variables';
  if (/\.json$/i.test(name) && /"\$value"\s*:/.test(text)) return 'dtcg';
  if (/\.(md|markdown)$/i.test(name) && /^---[ \t]*\r?\n[\s\S]*?^(colors|typography|rounded|spacing|components)\s*:/m.test(text)) return 'design-md';
  return 'style-guide';
}

/** Reads files of one kind (several only for DTCG, merged in the order given) into a DesignContext. */
export async function parseDesignSystem(kind: DesignSourceKind, files: readonly DesignFileText[]): Promise<DesignContext> {
  const colors = await loadColorConverter();
  const builder = new DesignBuilder(new Problems());
  const [first] = files;
  try {
    if (first) read(kind, files, first, builder, colors, await loaders(kind));
  } catch (error) {
    // A hostile file (nesting deep enough to exhaust the stack, say) is a problem to report, not a crash.
    builder.problems.error({ file: first?.path ?? '' }, `could not be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return builder.build(sourceOf(kind, kind === 'dtcg' ? files : files.slice(0, 1)));
}

interface Loaded {
  readonly postcss?: Postcss;
  readonly babel?: BabelParser;
}

async function loaders(kind: DesignSourceKind): Promise<Loaded> {
  if (kind === 'tailwind-v4' || kind === 'css-variables') return { postcss: await loadPostcss() };
  if (kind === 'tailwind-v3') return { babel: await loadBabelParser() };
  return {};
}

function read(kind: DesignSourceKind, files: readonly DesignFileText[], first: DesignFileText, builder: DesignBuilder, colors: ColorConverter, loaded: Loaded): void {
  {
    switch (kind) {
      case 'design-md':
        readDesignMd(first, builder, colors);
        break;
      case 'dtcg':
        readDtcg(files, builder, colors);
        break;
      case 'tailwind-v4':
      case 'css-variables':
        if (loaded.postcss) readCss(first, kind === 'tailwind-v4', builder, colors, loaded.postcss);
        break;
      case 'tailwind-v3':
        if (loaded.babel) readTailwindConfig(first, builder, colors, loaded.babel);
        break;
      case 'style-guide':
        readStyleGuide(first, builder, colors);
        break;
    }
  }
}

function sourceOf(kind: DesignSourceKind, files: readonly DesignFileText[]): DesignSource {
  const records: DesignSourceFile[] = files.map((f) => ({ path: f.path, sha256: f.sha256 ?? sha256Hex(f.text), bytes: f.bytes ?? Buffer.byteLength(f.text) }));
  const [only] = records;
  if (records.length === 1 && only) return { kind, files: records, sha256: only.sha256, label: only.path };
  const sha256 = sha256Hex(records.map((r) => `${r.path}\0${r.sha256}\n`).join(''));
  const dirs = records.map((r) => path.posix.dirname(r.path).split('/'));
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => d[i] !== undefined && d[i] === dirs[0]?.[i]); i++) common.push(dirs[0]?.[i] ?? '');
  const folder = common.filter((c) => c !== '.').join('/');
  return { kind, files: records, sha256, label: `${folder ? `${folder}/` : ''} (${records.length} token files)`.replace(/^ /, '') };
}
