/**
 * The one generation use case every surface calls (the Studio, the commands, batch runs, the CLI,
 * the agent tools): plan targets, prepare (compose, estimate), run (send, check, write).
 */
export { planBadge, planInfo, planTargets, requirePlans, type PresetFinder, type SizePlanInfo, type TargetPlan } from './targets';
export {
  parentFromSidecarText,
  prepareGeneration,
  type ComposedForLocale,
  type EditInput,
  type GenerationEnv,
  type GenerationInput,
  type ParentSidecar,
  type PreparedGeneration,
  type PreparedRequest,
} from './prepare';
export { defaultPartialImages, estimateRequest, estimateRequests, PREVIEW_BUDGET, type GenerationEstimate, type RequestEstimate } from './estimate';
export { runGeneration, type GenerationContext, type GenerationEvent, type GenerationResult } from './run';
export { describeOutcome, describeRetry, failureText } from './describe';
export { executeRequest, type MockupContext, type MockupOutcome, type WrittenMockup } from './execute';
export {
  digestOf,
  editInputs,
  isPaintedMask,
  namingText,
  requestFingerprint,
  type ConnectionInfo,
  type InputFile,
  type MockupRequest,
  type PaintedMask,
} from './request';
export { promptDesign, type PromptDesign } from './design';
