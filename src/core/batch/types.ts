/**
 * The shapes of a batch file (`*.mockups.json`, schemas/batch.schema.json) and of the jobs it
 * expands into. One job is one request for one image: asset x size x locale x variant.
 */
import type { Background, Moderation, Quality } from '../foundry';
import type { MockupRequest } from '../generation/request';
import type { ImageFormat } from '../image';
import type { SizePlan } from '../sizes/planner';
import type { Fit } from '../sizes/target';

export interface BatchOptionsSpec {
  readonly quality?: Quality;
  readonly format?: ImageFormat;
  readonly compression?: number;
  readonly background?: Background;
  readonly moderation?: Moderation;
  readonly fit?: Fit;
  readonly padColor?: string;
  readonly variants?: number;
  readonly styleGuide?: string;
  /** false: leave the workspace's design system out of these prompts (default: sent with every prompt). */
  readonly designSystem?: boolean;
  readonly output?: string;
}

export interface BatchAssetSpec {
  readonly id: string;
  readonly prompt?: string;
  readonly template?: { readonly id: string; readonly fields?: Readonly<Record<string, string>> };
  readonly sizes: readonly string[];
  readonly locales?: readonly string[];
  readonly variants?: number;
  readonly options?: BatchOptionsSpec;
  readonly edit?: { readonly image: string; readonly references?: readonly string[]; readonly mask?: string };
  /** This asset's anchor (an asset id of the batch, or an image file), or false for none; default: the batch's. */
  readonly anchor?: string | false;
  readonly output?: string;
}

export interface BatchSpec {
  readonly version?: 1;
  readonly output?: string;
  readonly defaults?: BatchOptionsSpec;
  /**
   * The set's anchor: an asset id of this batch (its first image, made first) or a workspace image,
   * sent as a reference with every other job so that one look carries through the set.
   */
  readonly anchor?: string;
  readonly locales?: Readonly<Record<string, { readonly strings?: readonly string[] }>>;
  readonly assets: readonly BatchAssetSpec[];
}

export interface BatchJob {
  /** `<asset id>/<size as written>/<locale tag or ->/v<variant>`: stable across runs and machines. */
  readonly id: string;
  /** Position in the batch's deterministic order (assets, then sizes, then locales, then variants). */
  readonly index: number;
  readonly assetId: string;
  readonly size: string;
  readonly locale?: string;
  readonly direction?: 'ltr' | 'rtl';
  /** 1-based. */
  readonly variant: number;
  readonly variants: number;
  readonly plan: SizePlan;
  readonly promptTyped: string;
  readonly promptSent: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  /** The style guide file, relative to the root (or the design system's label), when one was added to the prompt. */
  readonly styleGuide?: string;
  /** The workspace design system sent with the prompt (what the sidecar records of it). */
  readonly designSystem?: MockupRequest['designSystem'];
  /**
   * The image sent as the set's anchor: the file of another job of the batch (`job`: its id; this
   * job waits for it), or a workspace image (`file`: absolute path).
   */
  readonly anchor?: { readonly job: string } | { readonly file: string };
  readonly quality?: Quality;
  readonly format: ImageFormat;
  readonly compression?: number;
  readonly background?: Background;
  readonly moderation?: Moderation;
  /** Absolute paths of the edit's inputs. */
  readonly edit?: { readonly image: string; readonly references: readonly string[]; readonly mask?: string };
  readonly output: {
    /** Absolute folder the image is written into. */
    readonly folder: string;
    /** File name without extension. */
    readonly baseName: string;
    /** `<folder relative to the output root>/<baseName>`, forward slashes. */
    readonly relative: string;
  };
}

export interface Batch {
  /** The workspace folder (the CLI: the working folder) everything stays inside. */
  readonly root: string;
  /** The batch file's name without `.mockups.json` (`campaign` for `campaign.mockups.json`). */
  readonly name: string;
  /** Absolute path of the batch file. */
  readonly file: string;
  /** The batch file relative to the root, forward slashes (recorded in sidecars). */
  readonly fileRelative: string;
  /** Absolute output folder (images, sidecars, run reports). */
  readonly outputRoot: string;
  readonly outputRootRelative: string;
  readonly assetCount: number;
  readonly jobs: readonly BatchJob[];
  /** Where originals go (MockupRequest.companionFolder); absent: beside the image. */
  readonly companionFolder?: string;
}

export type ProblemSeverity = 'error' | 'warning';

export interface BatchProblem {
  readonly severity: ProblemSeverity;
  readonly message: string;
  /** JSON pointer of the value the problem is about ('' for the whole file). */
  readonly pointer: string;
  /** 0-based line/column range in the batch file's text. */
  readonly range: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } };
}
