import type { CliCommand } from '../io';
import { editCommand } from './edit';
import { estimateCommand } from './estimate';
import { generateCommand } from './generate';
import { mcpCommand } from './mcp';
import { planCommand } from './plan';
import { reportCommand } from './report';
import { runCommand } from './run';

/** Every CLI command. */
export const COMMANDS: readonly CliCommand[] = [runCommand, estimateCommand, reportCommand, generateCommand, editCommand, planCommand, mcpCommand];
