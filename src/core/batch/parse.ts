/**
 * Reads a batch file: JSON syntax (jsonc-parser, within size and nesting caps, ../json.ts), the
 * JSON Schema (schemas/batch.schema.json, with the one ajv configuration of ../jsonSchema.ts), the
 * job cap, then the semantic checks of expandBatch (unknown presets, templates and locales, output
 * patterns that collide or escape the workspace, missing input files). Every problem carries a
 * JSON pointer and a line/column range, so the VS Code adapter can place diagnostics and the CLI
 * can print `file:line:column`.
 */
import schema from '../../../schemas/batch.schema.json';
import { JsonLocator, parseJson, positionInText } from '../json';
import { type ErrorObject, schemaValidator } from '../jsonSchema';
import { countJobs, expandBatch, MAX_BATCH_JOBS, type BatchEnvironment } from './expand';
import type { Batch, BatchProblem, BatchSpec, ProblemSeverity } from './types';

export interface ParsedBatch {
  /** Undefined when the file has errors that stop expansion (syntax, schema or the job cap). */
  readonly batch?: Batch;
  readonly problems: readonly BatchProblem[];
}

function validate(value: unknown): ErrorObject[] {
  const validator = schemaValidator(schema);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

export function hasErrors(problems: readonly BatchProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function formatBatchProblem(problem: BatchProblem, file: string): string {
  return `${file}:${problem.range.start.line + 1}:${problem.range.start.column + 1}: ${problem.severity}: ${problem.message}`;
}

export function parseBatch(text: string, env: BatchEnvironment): ParsedBatch {
  const source = text.replace(/^\uFEFF/, '');
  const parsed = parseJson(source);
  if (parsed.problems.length > 0) {
    return {
      problems: parsed.problems.slice(0, 1).map((p) => {
        const start = positionInText(source, p.offset);
        return { severity: 'error', message: `Not valid JSON: ${p.message}`, pointer: '', range: { start, end: { line: start.line, column: start.column + 1 } } };
      }),
    };
  }
  const located = new JsonLocator(source);
  const problems: BatchProblem[] = [];
  const add = (pointer: string, severity: ProblemSeverity, message: string, onKey = false): void => {
    const range = (onKey ? located.key(pointer) : undefined) ?? located.value(pointer);
    // A problem about a whole object or array is shown on its first line only.
    const start = located.position(range.offset);
    const end = located.position(range.offset + range.length);
    problems.push({ severity, message, pointer, range: { start, end: end.line === start.line ? end : { line: start.line, column: start.column + 1 } } });
  };

  const errors = validate(parsed.value);
  if (errors.length > 0) {
    for (const { pointer, message, onKey } of describeSchemaErrors(errors.slice(0, 200))) add(pointer, 'error', message, onKey);
    return { problems: dedupe(problems) };
  }
  const spec = parsed.value as BatchSpec;
  // Refused before a single job is made: a million jobs would take gigabytes to expand.
  const count = countJobs(spec, MAX_BATCH_JOBS);
  if (count.total > MAX_BATCH_JOBS) {
    add(`/assets/${count.crossedAt}`, 'error', `This batch makes ${count.total.toLocaleString('en-US')} jobs or more (sizes x locales x variants of every asset) by this asset; one batch file may make at most ${MAX_BATCH_JOBS.toLocaleString('en-US')}. Split it into several batch files.`);
    return { problems };
  }
  const batch = expandBatch(spec, env, (pointer, severity, message) => add(pointer, severity, message));
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
