/**
 * A failure of image processing (libvips refusing the service's image, or a plan that does not fit
 * it) as a typed `processing` FoundryError with the request id, so that every surface reports it
 * like any other failed request: a clear message, the id to quote, nothing written, no stack trace.
 */
import { FoundryError } from '../foundry/errors';
import { ImageError } from './process';

/** `error` as a `processing` FoundryError when it is an ImageError; anything else unchanged. */
export function asProcessingFailure(error: unknown, requestId: string | undefined): unknown {
  if (!(error instanceof ImageError)) return error;
  const message = `The image the service returned could not be processed to the target size: ${error.message.replace(/\.$/, '')}. Nothing was written; try again, or use fit "generated" to keep the image as generated.`;
  return new FoundryError('processing', requestId ? `${message} (request id ${requestId})` : message, { ...(requestId ? { requestId } : {}), cause: error });
}
