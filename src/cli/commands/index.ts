import type { CliCommand } from '../io';
import { planCommand } from './plan';

/** Every CLI command; add new ones (run, estimate, generate) here. */
export const COMMANDS: readonly CliCommand[] = [planCommand];
