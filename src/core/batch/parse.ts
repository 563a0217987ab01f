/**
 * Reads a batch file: JSON syntax, the JSON Schema (schemas/batch.schema.json, via ajv), then the
 * semantic checks of expandBatch (unknown presets, templates and locales, output patterns that
 * collide or escape the workspace, missing input files). Every problem carries a JSON pointer and
 * a line/column range, so the VS Code adapter can place diagnostics and the CLI can print
 * `file:line:column`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../../schemas/batch.schema.json';
import { expandBatch, type BatchEnvironment } from './expand';
import { JsonSyntaxError, parseLocatedJson, positionInText, type LocatedJson } from './jsonPositions';
import type { Batch, BatchProblem, BatchSpec, ProblemSeverity } from './types';

export interface ParsedBatch {
  /** Undefined when the file has errors that stop expansion (syntax or schema). */
  readonly batch?: Batch;
  readonly problems: readonly BatchProblem[];
}

let validator: ValidateFunction | undefined;

function validate(value: unknown): ErrorObject[] {
  // strict: false because the schema carries editor-only keywords; compiled once, lazily.
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema as object);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

export function hasErrors(problems: readonly BatchProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function formatBatchProblem(problem: BatchProblem, file: string): string {
  return `${file}:${problem.range.start.line + 1}:${problem.range.start.column + 1}: ${problem.severity}: ${problem.message}`;
}

export function parseBatch(text: string, env: BatchEnvironment): ParsedBatch {
  const problems: BatchProblem[] = [];
  let located: LocatedJson;
  try {
    located = parseLocatedJson(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const at = positionInText(text, error.offset);
    return { problems: [{ severity: 'error', message: `Not valid JSON: ${error.message}`, pointer: '', range: { start: at, end: { line: at.line, column: at.column + 1 } } }] };
  }
  const add = (pointer: string, severity: ProblemSeverity, message: string, onKey = false): void => {
    const range = (onKey ? located.locateKey(pointer) : undefined) ?? located.locate(pointer);
    // A problem about a whole object or array is shown on its first line only.
    const end = located.position(range.end);
    const start = located.position(range.start);
    problems.push({ severity, message, pointer, range: { start, end: end.line === start.line ? end : { line: start.line, column: start.column + 1 } } });
  };

  const errors = validate(located.value);
  if (errors.length > 0) {
    for (const { pointer, message, onKey } of describeSchemaErrors(errors)) add(pointer, 'error', message, onKey);
    return { problems: dedupe(problems) };
  }
  const batch = expandBatch(located.value as BatchSpec, env, (pointer, severity, message) => add(pointer, severity, message));
  return { batch, problems: dedupe(problems) };
}

function dedupe(problems: BatchProblem[]): BatchProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Ajv's errors in words a batch author can act on, on the value (or key) they are about. */
function describeSchemaErrors(errors: readonly ErrorObject[]): Array<{ pointer: string; message: string; onKey: boolean }> {
  const out: Array<{ pointer: string; message: string; onKey: boolean }> = [];
  // The branches of "prompt or template" report their own `required` errors; one message says it.
  const anyOfAssets = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const error of errors) {
    const at = error.instancePath;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required' && anyOfAssets.has(at) && error.schemaPath.includes('anyOf')) continue;
    switch (error.keyword) {
      case 'anyOf':
        out.push({ pointer: at, message: 'An asset needs a "prompt" or a "template" (or both).', onKey: false });
        break;
      case 'additionalProperties':
        out.push({ pointer: `${at}/${String(params['additionalProperty']).replace(/~/g, '~0').replace(/\//g, '~1')}`, message: `"${String(params['additionalProperty'])}" is not a field here.`, onKey: true });
        break;
      case 'required':
        out.push({ pointer: at, message: `"${String(params['missingProperty'])}" is required here.`, onKey: false });
        break;
      case 'enum':
        out.push({ pointer: at, message: `Use one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`, onKey: false });
        break;
      case 'propertyNames':
        break; // reported by the `pattern` error on the name
      default:
        out.push({ pointer: at, message: `${at ? `${at.split('/').pop()} ` : 'The batch file '}${error.message ?? 'is not valid'}.`, onKey: at.split('/').length > 2 && error.keyword === 'pattern' && error.propertyName !== undefined });
    }
  }
  return out;
}
