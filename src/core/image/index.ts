export { checkImage, decodeBase64Strict, imageProblem, ImageCheckError, type CheckedFormat, type CheckedImage, type ImageCheckOptions } from './check';
export { asProcessingFailure } from './failure';
export { configureImageEngine, loadVips, shutdownImageEngine, type ImageEngineOptions } from './engine';
export { isCompanionFileName, isMaskFileName, isOriginalFileName, MASK_MARKER, maskFileName, ORIGINAL_MARKER, originalFileName } from './naming';
export {
  applyPlan,
  applySteps,
  cropImage,
  encodeImage,
  ImageError,
  padImage,
  readImageInfo,
  resizeImage,
  sniffFormat,
  type AppliedPlan,
  type EncodeOptions,
  type ImageFormat,
  type ImageInfo,
  type ProcessedImage,
} from './process';
