/**
 * The workspace's design system: found, normalised into one DesignContext, and rendered as the
 * compact block that goes with every prompt. Plain Node, no `vscode`; parsers load on first use.
 *
 * How a surface uses it (docs/design-system.md says more):
 *
 *   const found = await discoverDesignSystem(workspaceRoot, {
 *     pinned: setting || cliFlag,               // foundryMockups.styleGuide or --design-system FILE
 *     pinnedBy: '--design-system',              // how messages name the pin
 *     signal,                                   // cancels the walk
 *   });
 *   for (const p of found.problems) log(p.text); // `tokens/brand.tokens.json:12:7: {color.brand} refers to ...`
 *   if (found.context) {
 *     const block = renderDesignBlock(found.context); // { text, omitted, omittedText }, 1,200 chars by default
 *     // prompt: append block.text (empty when there is nothing to send)
 *     // sidecar: found.context.source.files[].path, found.context.source.sha256, block.text
 *     // Studio: summarizeDesign(found.context) -> swatches, type samples; block.omittedText under them
 *   }
 *
 * A mockup made with an older version of the design system is one whose sidecar sha256 differs
 * from `context.source.sha256`. `parseDesignSystem(kind, files)` does the same without the file
 * system (for callers that already hold the text, e.g. a batch file's environment).
 */
export { DEFAULT_DESIGN_BLOCK_CHARS, MIN_DESIGN_BLOCK_CHARS, renderDesignBlock, summarizeDesign, type DesignBlock, type DesignItemKind, type DesignSummary } from './block';
export { DEFAULT_DISCOVERY_LIMITS, discoverDesignSystem, type DesignCandidate, type DesignDiscovery, type DiscoverOptions, type DiscoveryLimits } from './discover';
export { designKindOf, parseDesignSystem, type DesignFileText } from './parse';
export { formatPlace } from './problems';
export {
  DESIGN_SOURCE_LABELS,
  type ColorRole,
  type DesignColor,
  type DesignContext,
  type DesignDimension,
  type DesignNote,
  type DesignProblem,
  type DesignSource,
  type DesignSourceFile,
  type DesignSourceKind,
  type DesignTypeStyle,
} from './types';
