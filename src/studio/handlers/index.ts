import type { Handlers } from '../dispatch';
import type { StudioSession } from '../session';
import { composeHandlers } from './compose';
import { failureHandlers } from './failure';
import { fileHandlers } from './files';
import { historyHandlers } from './history';
import { lifecycleHandlers } from './lifecycle';

/** Every message kind's handler (the `Handlers` type makes a missing one a compile error). */
export function studioHandlers(session: StudioSession): Handlers {
  return { ...lifecycleHandlers(session), ...composeHandlers(session), ...fileHandlers(session), ...historyHandlers(session), ...failureHandlers(session) };
}

export { selectImage } from './files';
export { initMessage } from './init';
