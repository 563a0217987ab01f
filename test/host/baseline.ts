// Screenshot baselines: a screenshot the UI tests take is compared with the committed
// test/integration/baselines/<name>.png (imageDiff.ts decides what counts as the same).
// Runs in the test driver's Node process (the bridge's matchScreenshot action), where sharp decodes.
//
// FOUNDRY_MOCKUPS_UPDATE_BASELINES=1 writes the baselines instead of comparing (after a deliberate
// change of the UI: `npm run test:baselines`). A missing baseline fails under CI=true and is
// written, with a warning, elsewhere.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { isArtifactName } from './config';
import { DEFAULT_DIFF_OPTIONS, type DiffOptions, diffImages, type RgbaImage } from './imageDiff';

export const UPDATE_BASELINES_ENV = 'FOUNDRY_MOCKUPS_UPDATE_BASELINES';

/** `update`: write every baseline; `ci`: compare, and a missing baseline fails; `local`: compare, and write a missing one. */
export type BaselineMode = 'update' | 'ci' | 'local';

export function baselineModeFromEnv(env: NodeJS.ProcessEnv = process.env): BaselineMode {
  if (env[UPDATE_BASELINES_ENV] === '1' || env[UPDATE_BASELINES_ENV] === 'true') return 'update';
  return env.CI === 'true' || env.CI === '1' ? 'ci' : 'local';
}

export interface BaselineResult {
  /**
   * matched: within the tolerance; differs: beyond it (actual and diff written); updated: written on
   * request; created: there was none, written now (locally); missing: there is none (CI fails).
   */
  readonly outcome: 'matched' | 'differs' | 'updated' | 'created' | 'missing';
  /** One sentence for the test's error or warning, naming the files. */
  readonly message: string;
  readonly baseline: string;
  readonly actual?: string;
  readonly diff?: string;
  /** The share of pixels that differ (0 to 1), when compared. */
  readonly differingShare?: number;
}

export interface BaselineOptions {
  baselineDir: string;
  artifactsDir: string;
  mode: BaselineMode;
  diff?: DiffOptions;
}

async function decode(png: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const percent = (share: number): string => `${(share * 100).toFixed(share < 0.001 ? 3 : 2)} %`;

/** Compares the screenshot `png` with the baseline `name`, or writes the baseline (see BaselineMode). */
export async function matchBaseline(png: Buffer, name: string, options: BaselineOptions): Promise<BaselineResult> {
  if (!isArtifactName(name)) throw new Error(`a baseline name is a plain file name, got '${name}'`);
  const baseline = path.join(options.baselineDir, `${name}.png`);
  const relative = (file: string): string => path.relative(process.cwd(), file) || file;
  const write = async (): Promise<void> => {
    await fs.mkdir(options.baselineDir, { recursive: true });
    // Re-encoded at the highest compression so the committed files stay small.
    await fs.writeFile(baseline, await sharp(png).png({ compressionLevel: 9 }).toBuffer());
  };
  if (options.mode === 'update') {
    await write();
    return { outcome: 'updated', baseline, message: `wrote the baseline ${relative(baseline)}` };
  }
  const expectedPng = await fs.readFile(baseline).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!expectedPng) {
    if (options.mode === 'ci') {
      return { outcome: 'missing', baseline, message: `there is no baseline ${relative(baseline)} (CI never writes one): run ${UPDATE_BASELINES_ENV}=1 npm run test:integration and commit it` };
    }
    await write();
    return { outcome: 'created', baseline, message: `there was no baseline ${relative(baseline)}; wrote this screenshot as the baseline: check it and commit it` };
  }
  const settings = options.diff ?? DEFAULT_DIFF_OPTIONS;
  const [actualImage, expectedImage] = await Promise.all([decode(png), decode(expectedPng)]);
  const result = diffImages(actualImage, expectedImage, settings);
  if (result.matches) {
    return { outcome: 'matched', baseline, differingShare: result.share, message: `${name} matches ${relative(baseline)} (${percent(result.share)} of the pixels differ)` };
  }
  await fs.mkdir(options.artifactsDir, { recursive: true });
  const actual = path.join(options.artifactsDir, `${name}.actual.png`);
  const diff = path.join(options.artifactsDir, `${name}.diff.png`);
  await fs.writeFile(actual, png);
  await fs.writeFile(diff, await sharp(Buffer.from(result.diff.data), { raw: { width: result.diff.width, height: result.diff.height, channels: 4 } }).png().toBuffer());
  const size = result.sameSize ? '' : `; the size is ${actualImage.width}x${actualImage.height}, the baseline's ${expectedImage.width}x${expectedImage.height}`;
  return {
    outcome: 'differs',
    baseline,
    actual,
    diff,
    differingShare: result.share,
    message:
      `${name} differs from ${relative(baseline)}: ${percent(result.share)} of the pixels (${result.differing} of ${result.total}) differ, at most ${percent(settings.maxDifferingShare)} may${size}. ` +
      `Actual: ${relative(actual)}; differences in red: ${relative(diff)}. If the change is intended: ${UPDATE_BASELINES_ENV}=1 npm run test:integration`,
  };
}
