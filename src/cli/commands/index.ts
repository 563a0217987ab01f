import type { CliCommand } from '../io';
import { editCommand } from './edit';
import { estimateCommand } from './estimate';
import { generateCommand } from './generate';
import { mcpCommand } from './mcp';
import { planCommand } from './plan';
import { runCommand } from './run';

/** Every CLI command. */
export const COMMANDS: readonly CliCommand[] = [runCommand, estimateCommand, generateCommand, editCommand, planCommand, mcpCommand];
