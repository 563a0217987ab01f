/**
 * Problems of batch files in the Problems panel: JSON syntax, the schema, and what only the
 * product knows (unknown presets, templates and locales, output patterns that collide or escape
 * the workspace, missing input files), each on the value it is about.
 */
import * as vscode from 'vscode';
import type { BatchProblem } from '../core/batch/types';
import type { Services } from '../host/services';
import { parseBatchFile } from './load';

export const DIAGNOSTIC_SOURCE = 'Foundry Mockups';

export function toDiagnostic(problem: BatchProblem): vscode.Diagnostic {
  const range = new vscode.Range(problem.range.start.line, problem.range.start.column, problem.range.end.line, problem.range.end.column);
  const diagnostic = new vscode.Diagnostic(range, problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  return diagnostic;
}

export class BatchDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('foundryMockups.batch');
  /** Latest check per file, so that a slow older check never overwrites a newer one. */
  private readonly generation = new Map<string, number>();

  constructor(private readonly services: Services) {}

  async update(uri: vscode.Uri, text?: string): Promise<void> {
    const key = uri.toString();
    const mine = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, mine);
    let diagnostics: vscode.Diagnostic[];
    try {
      const parsed = await parseBatchFile(this.services, uri, text);
      diagnostics = parsed.problems.map(toDiagnostic);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      diagnostics = [Object.assign(new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), message, vscode.DiagnosticSeverity.Warning), { source: DIAGNOSTIC_SOURCE })];
    }
    if (this.generation.get(key) === mine) this.collection.set(uri, diagnostics);
  }

  delete(uri: vscode.Uri): void {
    this.generation.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
