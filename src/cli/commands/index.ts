import type { CliCommand } from '../io';
import { estimateCommand } from './estimate';
import { generateCommand } from './generate';
import { planCommand } from './plan';
import { reportCommand } from './report';
import { runCommand } from './run';

/** Every CLI command. */
export const COMMANDS: readonly CliCommand[] = [runCommand, estimateCommand, reportCommand, generateCommand, planCommand];
