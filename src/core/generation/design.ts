/**
 * The workspace's design system as the use case sends it: the compact block (src/core/design)
 * added to every prompt, and what the sidecar records of it (its files, their SHA-256 and the
 * block sent), so that history can tell a mockup made with an older version.
 */
import { renderDesignBlock } from '../design/block';
import type { DesignContext, DesignProblem, DesignSourceKind } from '../design/types';
import type { StyleGuide } from '../prompts/styleGuide';
import type { MockupRequest } from './request';

export interface PromptDesign {
  /** The block added to the prompt. */
  readonly text: string;
  /** For people and logs: `DESIGN.md`, `tokens/ (3 token files)`. */
  readonly file: string;
  readonly kind: DesignSourceKind;
  /** The design system's hash (one file: its SHA-256). */
  readonly sha256: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  /** What did not fit the block's budget, named ("3 spacing tokens left out"). */
  readonly omittedText?: string;
  /** The design system's problems, as `file:line:col: message` lines. */
  readonly warnings: readonly string[];
}

/** The block and record of a design context; undefined when it holds nothing to send. */
export function promptDesign(context: DesignContext, problems: readonly DesignProblem[] = [], budget?: number): PromptDesign | undefined {
  const block = renderDesignBlock(context, budget !== undefined ? { budget } : {});
  if (!block.text) return undefined;
  return {
    text: block.text,
    file: context.source.label,
    kind: context.source.kind,
    sha256: context.source.sha256,
    files: context.source.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
    ...(block.omittedText ? { omittedText: block.omittedText } : {}),
    warnings: [...problems.map((p) => p.text), ...(block.omittedText ? [`The design system's block: ${block.omittedText} (over the ${block.budget}-character budget).`] : [])],
  };
}

/** What a request (and its sidecar) records of the design system sent; undefined for a plain style guide. */
export function designRecord(design: PromptDesign | StyleGuide | undefined): MockupRequest['designSystem'] {
  if (!design || !('kind' in design)) return undefined;
  return { kind: design.kind, files: design.files, sha256: design.sha256, block: design.text };
}
