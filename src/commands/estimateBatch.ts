import * as vscode from 'vscode';
import type { Services } from '../services';
import { notYetAvailable } from './notYetAvailable';

export function run(services: Services): Promise<undefined> {
  return notYetAvailable(services, vscode.l10n.t('Estimate Batch Cost'));
}
