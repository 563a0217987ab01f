import * as vscode from 'vscode';
import { parseStyleGuide, type StyleGuide, StyleGuideError } from '../core/prompts';
import { setting } from './settings';
import { readWorkspaceFile } from './workspace';

/** Style guides are short; anything past this is not read. */
const MAX_STYLE_GUIDE_BYTES = 256 * 1024;

/**
 * The workspace style guide named by `foundryMockups.styleGuide`, read through the workspace
 * resolver (a link that leads outside the workspace is refused, so no outside file's text reaches
 * the service or a sidecar); undefined when the setting is empty. Throws StyleGuideError naming the
 * setting when it cannot be used.
 */
export async function readStyleGuide(): Promise<StyleGuide | undefined> {
  const file = setting('styleGuide');
  if (!file) return undefined;
  let read;
  try {
    read = await readWorkspaceFile(file);
  } catch (error) {
    const reason = error instanceof vscode.FileSystemError ? vscode.l10n.t('it cannot be read') : error instanceof Error ? error.message : String(error);
    throw new StyleGuideError(vscode.l10n.t('The style guide {0} (setting foundryMockups.styleGuide) is not used: {1}', file, reason));
  }
  return parseStyleGuide(new TextDecoder().decode(read.bytes.slice(0, MAX_STYLE_GUIDE_BYTES)), read.path.relative);
}
