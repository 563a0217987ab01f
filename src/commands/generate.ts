import type * as vscode from 'vscode';
import { parseGenerateOptions } from '../core/options';
import type { Services } from '../host/services';
import { askGenerateOptions, executeGenerate } from './shared/generation';
import { showFailure } from '../host/failure';

/**
 * Generate Mockup...: from the palette, a quick-input flow; from scripts and keybindings, an
 * options object `{ prompt, sizes?, folder?, name?, quality?, n?, format?, background?, fit? }`
 * that resolves to the Uris of the exact-size images written. Invalid options reject with a
 * message naming each wrong field.
 */
export async function run(services: Services, options?: unknown): Promise<vscode.Uri[] | undefined> {
  if (options !== undefined) {
    return executeGenerate(services, parseGenerateOptions(options), true);
  }
  let asked;
  try {
    asked = await askGenerateOptions(services);
  } catch (error) {
    await showFailure(services, error);
    return undefined;
  }
  return asked ? executeGenerate(services, asked, false) : undefined;
}
