import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { formatProblem, loadPresetCatalogue, parseDesignSystem, parseUserPresets } from '../../src/core/sizes/designSystem';
import { parseTarget } from '../../src/core/sizes/target';

const FILE = '.vscode/mockups.json';

describe('design-system presets', () => {
  it('reads presets from .vscode/mockups.json, with comments and trailing commas', () => {
    const text = `{
      // Brand sizes
      "presets": [
        { "id": "brand-hero", "name": "Brand hero", "width": 1440, "height": 720, "density": 2, "group": "Brand" },
        /* pixels */ { "id": "banner", "name": "Banner", "width": 728, "height": 90, "fit": "contain", "padColor": "#fff", },
      ],
    }`;
    const parsed = parseDesignSystem(text, FILE);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.presets.map((p) => [p.id, p.width * p.density, p.height * p.density, p.group, p.origin]),
      [
        ['brand-hero', 2880, 1440, 'Brand', 'workspace'],
        ['banner', 728, 90, 'workspace', 'workspace'],
      ],
    );
    const catalogue = loadPresetCatalogue({ workspace: { text } });
    assert.deepEqual(parseTarget('brand-hero', (id) => catalogue.find(id)), {
      width: 2880,
      height: 1440,
      cssWidth: 1440,
      cssHeight: 720,
      density: 2,
      presetId: 'brand-hero',
    });
  });

  it('names the file and the entry for malformed entries, and keeps the good ones', () => {
    const text = JSON.stringify({
      presets: [
        { id: 'ok', name: 'OK', width: 100, height: 100 },
        { id: 'Bad Id', name: 'x', width: -1, height: 10, colour: 'red' },
        { name: 'no id', width: 10, height: 10 },
        { id: 'huge', name: 'Huge', width: 16000, height: 16000, density: 4 },
        'text',
      ],
    });
    const { presets, problems } = parseDesignSystem(text, FILE);
    assert.deepEqual(
      presets.map((p) => p.id),
      ['ok'],
    );
    const messages = problems.map(formatProblem);
    assert.match(messages[0] ?? '', /^\.vscode\/mockups\.json: presets\[1\] \(id "Bad Id"\): unknown property "colour"; id must be lower-case.*; width must be > 0$/);
    assert.match(messages[1] ?? '', /^\.vscode\/mockups\.json: presets\[2\]: missing "id"$/);
    assert.match(messages[2] ?? '', /presets\[3\] \(id "huge"\): .*64000 px/);
    assert.match(messages[3] ?? '', /presets\[4\]: the entry must be an object/);
  });

  it('reports JSON syntax errors and a wrong top level against the file', () => {
    assert.match(formatProblem(parseDesignSystem('{ "presets": [ }', FILE).problems[0] ?? { file: '', message: '' }), /^\.vscode\/mockups\.json: not valid JSON/);
    assert.match(formatProblem(parseDesignSystem('[]', FILE).problems[0] ?? { file: '', message: '' }), /must be an object/);
    assert.match(formatProblem(parseDesignSystem('{"presets": [], "sizes": 1}', FILE).problems[0] ?? { file: '', message: '' }), /unknown property "sizes"/);
  });

  it('reports duplicate ids with both places, the first definition winning', () => {
    const text = JSON.stringify({ presets: [{ id: 'og-image', name: 'Mine', width: 1, height: 1 }, { id: 'team', name: 'Team', width: 800, height: 600 }] });
    const catalogue = loadPresetCatalogue({
      workspace: { text },
      user: [
        { id: 'team', name: 'Again', width: 10, height: 10 },
        { id: 'mine', name: 'Mine', width: 300, height: 250 },
      ],
    });
    const messages = catalogue.problems.map(formatProblem);
    assert.deepEqual(messages, [
      '.vscode/mockups.json: presets[0] (id "og-image"): duplicate id "og-image": already defined by the built-in preset "Open Graph image". Choose another id.',
      'settings: foundryMockups.presets: [0] (id "team"): duplicate id "team": already defined by .vscode/mockups.json presets[1] (id "team"). Choose another id.',
    ]);
    assert.equal(catalogue.find('og-image')?.origin, 'built-in');
    assert.equal(catalogue.find('team')?.name, 'Team');
    assert.equal(catalogue.find('mine')?.origin, 'user');
  });

  it('validates the user setting value', () => {
    assert.deepEqual(parseUserPresets(undefined).problems, []);
    assert.match(formatProblem(parseUserPresets({}).problems[0] ?? { file: '', message: '' }), /expected an array of presets, not a object|expected an array/);
  });

  it('ships a draft-07 schema that ajv compiles and that accepts a full example', () => {
    const schemaPath = path.join(__dirname, '..', '..', '..', 'schemas', 'mockups.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(schema);
    assert.ok(validate({ presets: [{ id: 'a', name: 'A', width: 1, height: 2, density: 2, group: 'g', description: 'd', fit: 'contain', padColor: '#00000080' }] }));
    assert.ok(!validate({ presets: [{ id: 'a', name: 'A', width: 1, height: 2, fit: 'stretch' }] }));
  });

  it('reads comments and trailing commas as VS Code does, and places syntax errors by line and column', () => {
    const text = '{\n  // brand sizes\n  "presets": [ /* hero */ { "id": "brand-hero", "name": "Hero // not a comment", "width": 1200, "height": 600, }, ],\n}';
    const parsed = parseDesignSystem(text, FILE);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.presets.map((p) => [p.id, p.name]), [['brand-hero', 'Hero // not a comment']]);
    const broken = parseDesignSystem('{\n  "presets": [\n    { "id": "a" "name": "A" }\n  ]\n}', FILE);
    assert.match(broken.problems[0]?.message ?? '', /not valid JSON: Expected "," between two values at line 3, column 17/);
    const deep = parseDesignSystem(`{"presets": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`, FILE);
    assert.match(deep.problems[0]?.message ?? '', /nested more than 64 levels deep.* at line 1, column 76$/);
  });
});
