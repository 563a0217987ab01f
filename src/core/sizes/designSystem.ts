/**
 * Workspace and user presets. The VS Code adapter (or the CLI) reads `.vscode/mockups.json` and the
 * `foundryMockups.presets` setting and passes the text / value in; this module parses them (JSON
 * with comments, with jsonc-parser as VS Code does: ../json.ts), validates them against
 * schemas/mockups.schema.json (the one ajv configuration: ../jsonSchema.ts), and merges them with
 * the built-in catalogue. Problems name the file and the entry; a bad entry is skipped, the rest load.
 */
import schema from '../../../schemas/mockups.schema.json';
import { parseJson, positionInText } from '../json';
import { type ErrorObject, schemaValidator, type ValidateFunction } from '../jsonSchema';
import { BUILT_IN_PRESETS, type Preset, type PresetOrigin } from './presets';
import { cssTarget, type Fit, TargetError } from './target';

export const DESIGN_SYSTEM_FILE = '.vscode/mockups.json';
export const USER_PRESETS_SETTING = 'foundryMockups.presets';

export interface PresetProblem {
  /** The file or setting, as given by the caller (`.vscode/mockups.json`, `settings: foundryMockups.presets`). */
  readonly file: string;
  /** The entry, such as `presets[2] (id "brand-hero")`; absent for whole-file problems. */
  readonly entry?: string;
  readonly message: string;
}

export function formatProblem(problem: PresetProblem): string {
  return `${problem.file}: ${problem.entry ? `${problem.entry}: ` : ''}${problem.message}`;
}

export interface ParsedPresets {
  readonly presets: readonly Preset[];
  readonly problems: readonly PresetProblem[];
}

export interface PresetCatalogue extends ParsedPresets {
  find(id: string): Preset | undefined;
}

/** Parses the contents of `.vscode/mockups.json` (`fileLabel` names it in problems). */
export function parseDesignSystem(text: string, fileLabel: string = DESIGN_SYSTEM_FILE): ParsedPresets {
  const json = parseJson(text.replace(/^\uFEFF/, ''), { comments: true });
  const [syntax] = json.problems;
  if (syntax) {
    const at = positionInText(text, syntax.offset);
    return { presets: [], problems: [{ file: fileLabel, message: `not valid JSON: ${syntax.message.replace(/\.$/, '')} at line ${at.line + 1}, column ${at.column + 1}` }] };
  }
  const value = json.value;
  const validate = validators().file;
  if (!isObject(value) || !Array.isArray(value.presets)) {
    validate(value);
    return { presets: [], problems: [{ file: fileLabel, message: describeErrors(validate.errors, '') || 'expected an object with a "presets" array.' }] };
  }
  const problems: PresetProblem[] = [];
  if (!validate(value)) {
    const topLevel = (validate.errors ?? []).filter((e) => !e.instancePath.startsWith('/presets/'));
    if (topLevel.length) problems.push({ file: fileLabel, message: describeErrors(topLevel, '') });
  }
  const parsed = parseEntries(value.presets, fileLabel, 'presets', 'workspace');
  return { presets: parsed.presets, problems: [...problems, ...parsed.problems] };
}

/** Validates the user setting's value (an array of preset objects). */
export function parseUserPresets(value: unknown, label = `settings: ${USER_PRESETS_SETTING}`): ParsedPresets {
  if (value === undefined || value === null) return { presets: [], problems: [] };
  if (!Array.isArray(value)) {
    return { presets: [], problems: [{ file: label, message: `expected an array of presets, not ${typeName(value)}.` }] };
  }
  return parseEntries(value, label, '', 'user');
}

function parseEntries(entries: readonly unknown[], file: string, path: string, origin: PresetOrigin): ParsedPresets {
  const validate = validators().preset;
  const presets: Preset[] = [];
  const problems: PresetProblem[] = [];
  entries.forEach((raw, index) => {
    const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const entry = `${path}[${index}]${id ? ` (id "${id}")` : ''}`;
    const where = { file, entry };
    if (!validate(raw)) {
      problems.push({ file, entry, message: describeErrors(validate.errors, '') });
      return;
    }
    const p = raw as RawPreset;
    const density = p.density ?? 1;
    try {
      cssTarget(p.width, p.height, density, p.id);
    } catch (error) {
      problems.push({ file, entry, message: error instanceof TargetError ? error.message : String(error) });
      return;
    }
    const preset: Preset = {
      id: p.id,
      name: p.name,
      group: p.group ?? origin,
      width: p.width,
      height: p.height,
      density,
      ...(p.description === undefined ? {} : { description: p.description }),
      ...(p.fit === undefined ? {} : { fit: p.fit }),
      ...(p.padColor === undefined ? {} : { padColor: p.padColor }),
      origin,
      definedIn: `${file} ${entry}`,
    };
    origins.set(preset, where);
    presets.push(preset);
  });
  return { presets, problems };
}

/** Where each parsed preset came from, for duplicate-id problems. */
const origins = new WeakMap<Preset, { file: string; entry: string }>();

interface RawPreset {
  id: string;
  name: string;
  width: number;
  height: number;
  density?: number;
  group?: string;
  description?: string;
  fit?: Fit;
  padColor?: string;
}

/**
 * Built-in, then workspace, then user presets. An id defined twice is a problem naming both
 * places; the first definition stays.
 */
export function mergePresets(...sources: readonly ParsedPresets[]): PresetCatalogue {
  const byId = new Map<string, Preset>();
  const presets: Preset[] = [];
  const problems: PresetProblem[] = [];
  for (const source of sources) {
    problems.push(...source.problems);
    for (const preset of source.presets) {
      const first = byId.get(preset.id);
      if (first) {
        const where = origins.get(preset) ?? { file: preset.definedIn, entry: `id "${preset.id}"` };
        problems.push({
          ...where,
          message: `duplicate id "${preset.id}": already defined by ${first.origin === 'built-in' ? `the built-in preset "${first.name}"` : first.definedIn}. Choose another id.`,
        });
        continue;
      }
      byId.set(preset.id, preset);
      presets.push(preset);
    }
  }
  return { presets, problems, find: (id) => byId.get(id) };
}

/** The catalogue from the inputs the adapter read: the workspace file's text and the user setting. */
export function loadPresetCatalogue(input: { workspace?: { text: string; fileLabel?: string }; user?: unknown } = {}): PresetCatalogue {
  const builtIn: ParsedPresets = { presets: BUILT_IN_PRESETS, problems: [] };
  const workspace = input.workspace ? parseDesignSystem(input.workspace.text, input.workspace.fileLabel ?? DESIGN_SYSTEM_FILE) : { presets: [], problems: [] };
  return mergePresets(builtIn, workspace, parseUserPresets(input.user));
}

// --- validation ----------------------------------------------------------------------------------

function validators(): { file: ValidateFunction; preset: ValidateFunction } {
  return { file: schemaValidator(schema), preset: schemaValidator(schema, '#/definitions/preset') };
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined, prefix: string): string {
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const field = e.instancePath.replace(/^\/presets\/\d+/, '').replace(/^\//, '').replace(/\//g, '.');
    let text: string;
    switch (e.keyword) {
      case 'required':
        text = `missing "${String(e.params.missingProperty)}"`;
        break;
      case 'additionalProperties':
        text = `unknown property "${String(e.params.additionalProperty)}"${field ? ` in ${field}` : ''}`;
        break;
      case 'pattern':
        text =
          field === 'id'
            ? 'id must be lower-case letters and digits separated by "-", "_" or "." (such as brand-hero)'
            : `${field} must be transparent, #rrggbb or #rrggbbaa`;
        break;
      case 'enum':
        text = `${field} must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
        break;
      case 'type':
        text = `${field || 'the entry'} must be ${field ? 'a ' : 'an '}${String(e.params.type)}`;
        break;
      default:
        text = `${field || 'the value'} ${e.message ?? 'is invalid'}`;
    }
    seen.add(prefix + text);
  }
  return [...seen].join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}
