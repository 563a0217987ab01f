/**
 * Design system discovery on a generated workspace of 20,000 files (a monorepo of 40 packages of
 * sources, styles and tests, plus a node_modules folder of 5,000 files that the walk must skip):
 * 1. the tokens are DTCG files in design/tokens/, so the whole tree is walked (no DESIGN.md);
 * 2. a DESIGN.md at the root: the walk stops after the first level;
 * 3. only CSS custom properties: the whole tree is walked and every CSS file is opened.
 * Prints the first call and the median of the following runs, in ms. Parsers are loaded before
 * timing starts (their first load is reported apart), so that the figures are the walk and the parse.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverDesignSystem, parseDesignSystem } from '../src/core/design';
import { DESIGN_FIXTURES } from '../test/fixtures/design/workspace';

const RUNS = 9;
const PACKAGES = 40;
const FILES_PER_PACKAGE = 375; // 40 x 375 + 5,000 in node_modules = 20,000, plus the design files
const NODE_MODULES_FILES = 5000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function write(root: string, file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await fs.writeFile(path.join(root, file), text);
}

/** The same 20,000-file tree; `design` adds the files of one scenario. */
async function makeWorkspace(design: Record<string, string>): Promise<{ root: string; files: number }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-design-bench-'));
  let files = 0;
  const writes: Array<Promise<void>> = [];
  for (let p = 0; p < PACKAGES; p++) {
    for (let f = 0; f < FILES_PER_PACKAGE; f++) {
      const folder = ['src/components', 'src/hooks', 'src/styles', 'test', 'docs'][f % 5] ?? 'src';
      const name = folder === 'src/styles' && f % 25 === 2 ? `module-${f}.css` : `file-${f}.${folder === 'docs' ? 'md' : 'ts'}`;
      const text = name.endsWith('.css') ? `.c${f} { color: #333; padding: 4px; }\n` : `export const v${f} = ${f};\n`;
      writes.push(write(root, `packages/pkg-${p}/${folder}/${Math.floor(f / 50)}/${name}`, text));
      files++;
    }
    if (writes.length > 2000) await Promise.all(writes.splice(0));
  }
  for (let f = 0; f < NODE_MODULES_FILES; f++) {
    writes.push(write(root, `node_modules/lib-${f % 100}/dist/file-${f}.js`, 'module.exports = 1;\n'));
    files++;
    if (writes.length > 2000) await Promise.all(writes.splice(0));
  }
  for (const [file, text] of Object.entries(design)) {
    writes.push(write(root, file, text));
    files++;
  }
  await Promise.all(writes);
  return { root, files };
}

async function scenario(label: string, design: Record<string, string>, expectedKind: string): Promise<void> {
  const { root, files } = await makeWorkspace(design);
  try {
    const times: number[] = [];
    let visited = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const found = await discoverDesignSystem(root);
      times.push(performance.now() - t0);
      visited = found.entriesVisited;
      if (found.context?.source.kind !== expectedKind) throw new Error(`${label}: found ${found.context?.source.kind ?? 'nothing'}: ${found.problems.map((p) => p.text).join('; ')}`);
    }
    console.log(
      `${label}: ${files.toLocaleString('en-US')} files, ${visited.toLocaleString('en-US')} entries walked; first ${(times[0] ?? 0).toFixed(1)} ms, median of ${RUNS - 1} ${median(times.slice(1)).toFixed(1)} ms`,
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const fixture = async (file: string): Promise<string> => fs.readFile(path.join(DESIGN_FIXTURES, file), 'utf8');
  const t0 = performance.now();
  await parseDesignSystem('css-variables', [{ path: 'warm.css', text: ':root { --color-primary: #000; }' }]);
  await parseDesignSystem('design-md', [{ path: 'DESIGN.md', text: '---\ncolors:\n  primary: "#000"\n---\n' }]);
  console.log(`loading culori, postcss and yaml on first use: ${(performance.now() - t0).toFixed(1)} ms`);

  await scenario(
    'DTCG tokens in design/tokens/ (full walk)',
    { 'design/tokens/primitives.tokens.json': await fixture('dtcg/tokens/primitives.tokens.json'), 'design/tokens/semantic.tokens.json': await fixture('dtcg/tokens/semantic.tokens.json') },
    'dtcg',
  );
  await scenario('DESIGN.md at the root (first level only)', { 'DESIGN.md': await fixture('design-md/DESIGN.md') }, 'design-md');
  await scenario('CSS custom properties only (full walk, every CSS file opened)', { 'packages/pkg-0/src/styles/tokens.css': await fixture('css-variables/styles/tokens.css') }, 'css-variables');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
