import type * as vscode from 'vscode';
import type { Services } from '../host/services';
import { runEdit } from './refineImage';

/**
 * Redesign Mockup... on a png/jpeg: the image (a screenshot or an earlier mockup) is the input of an
 * edit with the workspace design system and a prompt ("the same screen in our new design system",
 * "as a dark-mode version"), at its own size or the sizes given; results are written beside it.
 * Scripts pass `{ image, prompt, references?, sizes?, quality?, n?, name? }`.
 */
export function run(services: Services, target?: unknown, options?: unknown): Promise<vscode.Uri[] | undefined> {
  return runEdit(services, 'redesign', target, options);
}
