/**
 * Finds the workspace's design system: a pinned file (or folder) when there is one, else the first
 * kind found in this order: DESIGN.md, DTCG token files, Tailwind v4 `@theme`, a Tailwind v3 config,
 * CSS custom properties, a style guide file. The walk is breadth-first (the shallowest file of a kind
 * wins), skips dependency, build and hidden folders, does not follow symbolic links to folders, and
 * is bounded in entries, depth and file size, so a huge workspace gives a diagnostic, not a hang.
 * Every read goes through the workspace path resolver, which refuses what leads outside the root.
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { PathOutsideRootError, resolveIn, resolveInside } from '../assets/paths';
import { sniffCss } from './css';
import { designKindOf, type DesignFileText, parseDesignSystem, sha256Hex } from './parse';
import { makeProblem, type Place } from './problems';
import { TAILWIND_CONFIG } from './tailwindConfig';
import type { DesignContext, DesignProblem, DesignSourceKind } from './types';

export interface DiscoveryLimits {
  /** Folder entries looked at before the walk stops. */
  readonly maxEntries: number;
  /** Folder levels below the root (or the pinned folder). */
  readonly maxDepth: number;
  /** A design file larger than this is refused. */
  readonly maxFileBytes: number;
  /** CSS files opened to look for `@theme` and `:root` variables. */
  readonly maxCssFiles: number;
  /** DTCG files merged. */
  readonly maxTokenFiles: number;
}

export const DEFAULT_DISCOVERY_LIMITS: DiscoveryLimits = {
  maxEntries: 50_000,
  maxDepth: 12,
  maxFileBytes: 1024 * 1024,
  maxCssFiles: 500,
  maxTokenFiles: 50,
};

/** Folders that hold dependencies, build output or tool state, never a team's design system. */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'dist',
  'build',
  'out',
  'output',
  'coverage',
  'target',
  'storybook-static',
  '__pycache__',
  'venv',
]);

const CSS_READS_AT_ONCE = 16;
const STYLE_GUIDE_NAME = /^(style[-_ ]?guide|brand[-_ ]?guide)\.(md|markdown|txt|json)$/i;

export interface DiscoverOptions {
  /** A file or folder (relative to the root, or absolute inside it) that overrides discovery. */
  readonly pinned?: string;
  /** How messages name where the pin came from: `the setting foundryMockups.styleGuide`, `--design-system`. */
  readonly pinnedBy?: string;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<DiscoveryLimits>;
}

export interface DesignCandidate {
  readonly kind: DesignSourceKind;
  /** Workspace-relative, forward slashes. */
  readonly path: string;
}

export interface DesignDiscovery {
  /** The design system found, normalised; undefined when there is none or its file(s) could not be read. */
  readonly context?: DesignContext;
  /** Discovery's and the design system's problems together, errors first. */
  readonly problems: readonly DesignProblem[];
  /** The files that could have been it, in the order they were ranked: shows why this one was chosen. */
  readonly candidates: readonly DesignCandidate[];
  /** Folder entries looked at, and whether a limit stopped the walk early. */
  readonly entriesVisited: number;
  readonly truncated: boolean;
}

interface Found {
  readonly path: string;
  readonly depth: number;
}

const KIND_ORDER: readonly DesignSourceKind[] = ['design-md', 'dtcg', 'tailwind-v4', 'tailwind-v3', 'css-variables', 'style-guide'];

export async function discoverDesignSystem(root: string, options: DiscoverOptions = {}): Promise<DesignDiscovery> {
  const limits = { ...DEFAULT_DISCOVERY_LIMITS, ...options.limits };
  const absoluteRoot = path.resolve(root);
  const problems: DesignProblem[] = [];
  const reader = new FileReader(absoluteRoot, limits, problems);

  if (options.pinned?.trim()) {
    const pinned = options.pinned.trim();
    const by = options.pinnedBy ? ` (named by ${options.pinnedBy})` : '';
    let resolved: { absolute: string; relative: string };
    try {
      resolved = resolveIn(absoluteRoot, pinned, 'read');
    } catch (error) {
      if (!(error instanceof PathOutsideRootError)) throw error;
      problems.push(makeProblem('error', { file: pinned }, `The design system file${by} is outside the workspace folder: name a file inside it.`));
      return finish(undefined, problems, [], 0, false);
    }
    const stat = await fs.stat(resolved.absolute).catch(() => undefined);
    const relative = resolved.relative || '.';
    if (!stat) {
      problems.push(makeProblem('error', { file: relative }, `The design system file${by} does not exist: check the path, or clear it to let the workspace be searched.`));
      return finish(undefined, problems, [], 0, false);
    }
    if (stat.isFile()) {
      const file = await reader.read(relative);
      if (!file) return finish(undefined, problems, [], 0, false);
      const kind = designKindOf(file.path, file.text);
      return finish(await parseDesignSystem(kind, [file]), problems, [{ kind, path: file.path }], 0, false);
    }
    return discoverIn(absoluteRoot, relative, reader, limits, problems, options.signal);
  }
  return discoverIn(absoluteRoot, '', reader, limits, problems, options.signal);
}

async function discoverIn(root: string, start: string, reader: FileReader, limits: DiscoveryLimits, problems: DesignProblem[], signal: AbortSignal | undefined): Promise<DesignDiscovery> {
  let walk = await walkWorkspace(root, start, limits, signal, true);
  const byDepth = (list: Found[]): Found[] => [...list].sort((a, b) => a.depth - b.depth || a.path.localeCompare(b.path));
  const candidates: DesignCandidate[] = [];
  const done = (context: DesignContext | undefined): DesignDiscovery => {
    if (walk.truncated) {
      problems.push(
        makeProblem(
          'warning',
          undefined,
          `Stopped looking for a design system after ${walk.entries.toLocaleString('en-US')} folder entries${walk.depthLimited ? ` or ${limits.maxDepth} folder levels` : ''}: name the design system file in the settings (or with --design-system) so that it is not missed.`,
        ),
      );
    }
    return finish(context, problems, candidates, walk.entries, walk.truncated);
  };

  for (const kind of KIND_ORDER) {
    signal?.throwIfAborted();
    if (kind === 'design-md' || kind === 'tailwind-v3' || kind === 'style-guide') {
      const list = byDepth(kind === 'design-md' ? walk.designMd : kind === 'tailwind-v3' ? walk.tailwindConfigs : walk.styleGuides);
      candidates.push(...list.map((f) => ({ kind, path: f.path })));
      for (const found of list) {
        const file = await reader.read(found.path);
        if (file) return done(await parseDesignSystem(kind === 'style-guide' ? designKindOf(file.path, file.text) : kind, [file]));
      }
      // The walk stopped at the level of the DESIGN.md; none could be read, so look at everything.
      if (kind === 'design-md' && list.length) walk = await walkWorkspace(root, start, limits, signal, false);
    } else if (kind === 'dtcg') {
      const list = byDepth(walk.tokenFiles);
      candidates.push(...list.map((f) => ({ kind, path: f.path })));
      if (list.length > limits.maxTokenFiles) {
        problems.push(makeProblem('warning', undefined, `Found ${list.length} token files; only the first ${limits.maxTokenFiles} (the shallowest) are merged. Name the design system folder to choose.`));
      }
      const files: DesignFileText[] = [];
      for (const found of list.slice(0, limits.maxTokenFiles).sort((a, b) => a.path.localeCompare(b.path))) {
        const file = await reader.read(found.path);
        if (file) files.push(file);
      }
      if (files.length) return done(await parseDesignSystem('dtcg', files));
    } else if (kind === 'tailwind-v4') {
      // One pass over the CSS files serves both Tailwind v4 and plain custom properties.
      const css = await reader.scanCss(byDepth(walk.cssFiles), limits.maxCssFiles);
      const theme = css.find((c) => c.theme);
      candidates.push(...css.filter((c) => c.theme).map((c) => ({ kind, path: c.file.path })));
      if (theme) return done(await parseDesignSystem('tailwind-v4', [theme.file]));
      walk.cssScanned = css;
    } else if (kind === 'css-variables') {
      const withVariables = (walk.cssScanned ?? []).filter((c) => c.rootVariables > 0);
      // The file with the most root custom properties is the theme; the shallowest breaks ties.
      const best = [...withVariables].sort((a, b) => b.rootVariables - a.rootVariables)[0];
      candidates.push(...withVariables.map((c) => ({ kind, path: c.file.path })));
      if (best) return done(await parseDesignSystem('css-variables', [best.file]));
    }
  }
  return done(undefined);
}

function finish(context: DesignContext | undefined, problems: DesignProblem[], candidates: DesignCandidate[], entries: number, truncated: boolean): DesignDiscovery {
  const all = [...problems, ...(context?.problems ?? [])];
  return {
    ...(context ? { context } : {}),
    problems: [...all.filter((p) => p.severity === 'error'), ...all.filter((p) => p.severity !== 'error')],
    candidates,
    entriesVisited: entries,
    truncated,
  };
}

interface ScannedCss {
  readonly file: DesignFileText;
  readonly theme: boolean;
  readonly rootVariables: number;
}

interface Walk {
  readonly designMd: Found[];
  readonly tokenFiles: Found[];
  readonly tailwindConfigs: Found[];
  readonly cssFiles: Found[];
  readonly styleGuides: Found[];
  entries: number;
  truncated: boolean;
  depthLimited: boolean;
  cssScanned?: ScannedCss[];
}

/** Breadth-first, in name order; with `stopAtDesignMd`, stops at the end of the first level that holds a DESIGN.md. */
async function walkWorkspace(root: string, start: string, limits: DiscoveryLimits, signal: AbortSignal | undefined, stopAtDesignMd: boolean): Promise<Walk> {
  const walk: Walk = { designMd: [], tokenFiles: [], tailwindConfigs: [], cssFiles: [], styleGuides: [], entries: 0, truncated: false, depthLimited: false };
  let level: string[] = [start];
  for (let depth = 0; level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      signal?.throwIfAborted();
      let entries: Dirent[];
      try {
        entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue; // unreadable folders are not the design system
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (++walk.entries > limits.maxEntries) {
          walk.truncated = true;
          return walk;
        }
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
          if (depth + 1 > limits.maxDepth) {
            walk.truncated = walk.depthLimited = true;
            continue;
          }
          next.push(rel);
          continue;
        }
        // Symbolic links to files are candidates (the resolver decides whether they may be read); links to folders are not followed.
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        const found = { path: rel, depth };
        const name = entry.name;
        if (/^design\.md$/i.test(name)) walk.designMd.push(found);
        else if (/\.tokens(\.json)?$/i.test(name)) walk.tokenFiles.push(found);
        else if (TAILWIND_CONFIG.test(name)) walk.tailwindConfigs.push(found);
        else if (/\.css$/i.test(name) && !/\.min\.css$/i.test(name)) walk.cssFiles.push(found);
        else if (STYLE_GUIDE_NAME.test(name)) walk.styleGuides.push(found);
      }
    }
    if (stopAtDesignMd && walk.designMd.length) break;
    level = next;
  }
  return walk;
}

/** Reads workspace files through the path resolver, bounded in size; what it refuses becomes a problem. */
class FileReader {
  private readonly cache = new Map<string, DesignFileText | undefined>();

  constructor(
    private readonly root: string,
    private readonly limits: DiscoveryLimits,
    private readonly problems: DesignProblem[],
  ) {}

  async read(relative: string): Promise<DesignFileText | undefined> {
    if (this.cache.has(relative)) return this.cache.get(relative);
    const file = await this.readUncached(relative);
    this.cache.set(relative, file);
    return file;
  }

  /** Opens CSS files a few at a time (the reads wait on the disk, not the CPU), keeping their order. */
  async scanCss(files: readonly Found[], max: number): Promise<ScannedCss[]> {
    const list = files.slice(0, max);
    const read: Array<DesignFileText | undefined> = new Array<DesignFileText | undefined>(list.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < list.length; i = next++) read[i] = await this.read(list[i]?.path ?? '');
    };
    await Promise.all(Array.from({ length: Math.min(CSS_READS_AT_ONCE, list.length) }, worker));
    return read.flatMap((file) => (file ? [{ file, ...sniffCss(file.text) }] : []));
  }

  private fail(place: Place, message: string): undefined {
    this.problems.push(makeProblem('error', place, message));
    return undefined;
  }

  private async readUncached(relative: string): Promise<DesignFileText | undefined> {
    const place = { file: relative };
    let absolute: string;
    try {
      absolute = resolveInside(this.root, relative);
    } catch (error) {
      if (!(error instanceof PathOutsideRootError)) throw error;
      const target = await fs.realpath(path.join(this.root, relative)).catch(() => undefined);
      return this.fail(
        place,
        `is a symbolic link to ${target ?? 'a place'} outside the workspace folder, so it is not read: design files are read only inside the workspace. Copy the file into the workspace, or name another one.`,
      );
    }
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    if (stat.size > this.limits.maxFileBytes) {
      return this.fail(place, `is ${sizeText(stat.size)}; a design file may be at most ${sizeText(this.limits.maxFileBytes)}, so it is not read.`);
    }
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(absolute);
    } catch (error) {
      return this.fail(place, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.fail(place, 'is not UTF-8 text, so it is not read: save it as UTF-8.');
    }
    return { path: relative, text: text.replace(/^\uFEFF/, ''), sha256: sha256Hex(bytes), bytes: bytes.length };
  }
}

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
