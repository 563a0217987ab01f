import * as assert from 'node:assert/strict';
import { designKindOf, parseDesignSystem, type DesignContext, type DesignSourceKind } from '../../src/core/design';
import { fixtureText } from '../fixtures/design/workspace';

async function parse(kind: DesignSourceKind, files: Array<[string, string]>): Promise<DesignContext> {
  return parseDesignSystem(
    kind,
    await Promise.all(files.map(async ([fixture, as]) => ({ path: as, text: await fixtureText(fixture) }))),
  );
}

const hexes = (c: DesignContext): Record<string, string> => Object.fromEntries(c.colors.map((x) => [x.name, x.hex]));
const texts = (c: DesignContext): string[] => c.problems.map((p) => p.text);
const style = (c: DesignContext, name: string): Record<string, unknown> | undefined => {
  const found = c.typography.find((t) => t.name === name);
  if (!found) return undefined;
  const { file: _file, line: _line, ...rest } = found;
  return rest;
};

describe('design system formats', () => {
  describe('DESIGN.md', () => {
    it('reads the front matter tokens, resolves references and keeps the prose sections', async () => {
      const c = await parse('design-md', [['design-md/DESIGN.md', 'DESIGN.md']]);
      assert.deepEqual(c.problems, []);
      assert.equal(c.name, 'Heritage');
      assert.deepEqual(hexes(c), {
        primary: '#1a1c1e',
        secondary: '#6c7278',
        tertiary: '#b8422e',
        neutral: '#f7f5f2',
        'on-tertiary': '#ffffff',
        error: '#e7000b',
        link: '#b8422e',
      });
      assert.deepEqual(
        c.colors.slice(0, 4).map((x) => x.role),
        ['primary', 'secondary', 'tertiary', 'neutral'],
      );
      assert.equal(c.colors.find((x) => x.name === 'primary')?.description, 'Deep ink for headlines and core text.');
      assert.equal(c.colors.find((x) => x.name === 'primary')?.line, 6);
      assert.deepEqual(style(c, 'h1'), { name: 'h1', family: 'Public Sans', size: '48px', weight: 600, lineHeight: '1.1', letterSpacing: '-0.02em' });
      assert.deepEqual(style(c, 'label-caps'), { name: 'label-caps', family: 'Space Grotesk', size: '12px', weight: 500, lineHeight: '1', letterSpacing: '0.1em' });
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['sm=4px', 'md=8px', 'full=9999px'],
      );
      assert.deepEqual(
        c.spacing.map((r) => r.name),
        ['xs', 'sm', 'md', 'lg'],
      );
      assert.deepEqual(c.components.slice(0, 2), [
        { name: 'button-primary', text: 'background #b8422e (tertiary), text #ffffff (on-tertiary), radius 8px, padding 12px' },
        { name: 'chip', text: 'type label-caps Space Grotesk 12px, radius 9999px' },
      ]);
      assert.deepEqual(
        c.components.slice(2).map((n) => n.name),
        ['Buttons', 'Cards'],
      );
      assert.deepEqual(c.dos, ['use the tertiary colour only for the single most important action per screen', 'maintain WCAG AA contrast ratios (4.5:1 for normal text)']);
      assert.deepEqual(c.donts, ['mix rounded and sharp corners in the same view', 'avoid more than two font weights on one screen']);
      assert.match(c.overview ?? '', /^Architectural minimalism meets journalistic gravitas\. The UI evokes a premium matte finish/);
      assert.ok(c.notes.includes('Elevation & Depth: Depth comes from tonal layers rather than heavy shadows.'));
    });

    it('names the file, line, column and token of each broken value, and keeps the rest', async () => {
      const c = await parse('design-md', [['design-md-errors/DESIGN.md', 'docs/DESIGN.md']]);
      assert.deepEqual(texts(c), [
        'docs/DESIGN.md:5:11: {colors.accent} refers to colors.highlight, which does not exist',
        'docs/DESIGN.md:6:8: {colors.bad} is "not-a-colour", which is not a CSS colour: use a hex value such as "#1A1C1E".',
        'docs/DESIGN.md:15:22: {components.card.backgroundColor} refers to colors.surface, which does not exist',
        'docs/DESIGN.md:7:13: {colors.primary} should be quoted ("{colors.primary}"): YAML reads it as a mapping. It is taken as the reference it looks like.',
        'docs/DESIGN.md:12:17: {typography.body.fontWeight} is "heavyish", which is not a weight from 1 to 1000: it is left out.',
      ]);
      assert.deepEqual(c.problems[0], {
        severity: 'error',
        file: 'docs/DESIGN.md',
        line: 5,
        column: 11,
        token: 'colors.accent',
        message: '{colors.accent} refers to colors.highlight, which does not exist',
        text: 'docs/DESIGN.md:5:11: {colors.accent} refers to colors.highlight, which does not exist',
      });
      assert.deepEqual(hexes(c), { primary: '#0055ff', unquoted: '#0055ff' });
      assert.deepEqual(c.donts, ['never put two primary buttons side by side']);
    });

    it('reports a YAML syntax error and front matter that is never closed at their line', async () => {
      const syntax = await parse('design-md', [['broken/DESIGN.md', 'DESIGN.md']]);
      assert.deepEqual(texts(syntax), ['DESIGN.md:11:1: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ].']);
      assert.equal(syntax.colors.length, 0);
      assert.equal(syntax.overview, 'Still readable prose.', 'the prose is still read');
      const unclosed = await parse('design-md', [['broken/unclosed.DESIGN.md', 'DESIGN.md']]);
      assert.deepEqual(texts(unclosed), ['DESIGN.md:1:1: starts front matter with --- but never closes it with a line of ---: close it so the tokens can be read.']);
    });

    it('merges yaml blocks in the sections with the front matter, and refuses a key defined twice', async () => {
      const text = [
        '---',
        'name: Split',
        'colors:',
        '  primary: "#112233"',
        '---',
        '## Typography',
        '```yaml',
        'typography:',
        '  body:',
        '    fontFamily: Inter',
        '```',
        '```yaml',
        'colors:',
        '  primary: "#ffffff"',
        '```',
      ].join('\n');
      const c = await parseDesignSystem('design-md', [{ path: 'DESIGN.md', text }]);
      assert.deepEqual(hexes(c), { primary: '#112233' });
      assert.equal(style(c, 'body')?.family, 'Inter');
      assert.deepEqual(texts(c), ['DESIGN.md:13:1: defines "colors" again (first on line 3): each top-level key may be defined once, in the front matter or one yaml block.']);
    });
  });

  describe('DTCG 2025.10 tokens', () => {
    it('merges token files, inherits $type, follows alias chains and $ref, and converts colour objects to hex', async () => {
      const c = await parse('dtcg', [
        ['dtcg/tokens/primitives.tokens.json', 'tokens/primitives.tokens.json'],
        ['dtcg/tokens/semantic.tokens.json', 'tokens/semantic.tokens.json'],
      ]);
      assert.deepEqual(c.problems, []);
      assert.deepEqual(hexes(c), {
        primary: '#2563eb', // {color.brand.$root} -> {color.blue.500} -> srgb components
        brand: '#2563eb', // the $root token takes its group's name
        'brand.strong': '#155dfc', // oklch(0.546 0.245 262.881)
        background: '#fafafa', // $ref into hsl("none", 0, 98)
        text: '#111827',
        vivid: '#0083ff', // display-p3(0 0.5 1), gamut-mapped into sRGB
        scrim: '#00000080', // alpha 0.5
        link: '#2563eb', // no $type: takes the type of what it refers to
        'blue.500': '#2563eb',
        'blue.600': '#155dfc',
        'gray.50': '#fafafa',
        'gray.900': '#111827',
      });
      assert.deepEqual(
        c.colors.filter((x) => x.shade).map((x) => x.name),
        ['blue.500', 'blue.600', 'gray.50', 'gray.900'],
        'palette steps come last',
      );
      assert.equal(c.colors.find((x) => x.name === 'brand')?.description, 'The one colour of calls to action.');
      assert.equal(c.colors.find((x) => x.name === 'brand.strong')?.written, '{color.blue.600}');
      assert.equal(c.colors.find((x) => x.name === 'blue.600')?.written, 'oklch(0.546 0.245 262.881)');
      assert.deepEqual(style(c, 'heading'), { name: 'heading', family: 'Merriweather', size: '3rem', weight: 700, lineHeight: '1.2', letterSpacing: '-0.5px' });
      assert.deepEqual(style(c, 'body'), { name: 'body', family: 'Inter', fallbacks: ['Helvetica', 'Arial', 'sans-serif'], size: '16px', weight: 400, lineHeight: '1.5', letterSpacing: '0px' });
      assert.deepEqual(style(c, 'sans'), { name: 'sans', family: 'Inter', fallbacks: ['Helvetica', 'Arial', 'sans-serif'] });
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['sm=4px', 'md=8px'],
      );
      assert.deepEqual(
        c.spacing.map((r) => `${r.name}=${r.value}`),
        ['1=4px', '2=8px', '4=16px'],
      );
      assert.equal(c.colors.find((x) => x.name === 'primary')?.file, 'tokens/semantic.tokens.json');
    });

    it('reports missing aliases, chains into them, cycles, group references and bad colour objects at their value', async () => {
      const c = await parse('dtcg', [['dtcg-broken/brand.tokens.json', 'tokens/brand.tokens.json']]);
      assert.deepEqual(texts(c), [
        'tokens/brand.tokens.json:6:27: {color.loop-a} is part of a circular reference (color.loop-a → color.loop-b → color.loop-c → color.loop-a), so none of these tokens has a value',
        'tokens/brand.tokens.json:7:27: {color.loop-b} is part of a circular reference (color.loop-b → color.loop-c → color.loop-a → color.loop-b), so none of these tokens has a value',
        'tokens/brand.tokens.json:8:27: {color.loop-c} is part of a circular reference (color.loop-c → color.loop-a → color.loop-b → color.loop-c), so none of these tokens has a value',
        'tokens/brand.tokens.json:9:30: {color.into-loop} refers to color.loop-a, which is part of a circular reference (color.loop-a → color.loop-b → color.loop-c → color.loop-a)',
        'tokens/brand.tokens.json:12:17: {color.brand} refers to color.missing, which does not exist',
        'tokens/brand.tokens.json:14:25: {color.link} refers to color.brand, which refers to color.missing, which does not exist',
        'tokens/brand.tokens.json:15:32: {color.whole-group} refers to color, which is a group, not a token: refer to one of its tokens',
        'tokens/brand.tokens.json:16:24: {color.odd} has the colour space "cmyk", which is not one of srgb, srgb-linear, hsl, hwb, lab, lch, oklab, oklch, display-p3, a98-rgb, prophoto-rgb, rec2020, xyz-d65, xyz-d50.',
        'tokens/brand.tokens.json:17:26: {color.short} needs components: three numbers (or "none") in srgb.',
        'tokens/brand.tokens.json:20:26: 1 token(s) have no $type (on the token or a parent group), so they are ignored: untyped. Add "$type", for example on their group.',
      ]);
      assert.equal(c.problems[4]?.token, 'color.brand');
      assert.deepEqual(hexes(c), { blue: '#0055ff', fine: '#0055ff' }, 'the good tokens are kept');
    });

    it('reports a JSON syntax error at its place', async () => {
      const c = await parse('dtcg', [['broken/syntax.tokens.json', 'tokens/syntax.tokens.json']]);
      assert.deepEqual(texts(c), ['tokens/syntax.tokens.json:5:5: is not valid JSON: a "," is missing. Fix it so its tokens can be read.']);
    });

    it('extends groups, reports an $extends cycle, and skips deprecated tokens', async () => {
      const text = JSON.stringify(
        {
          button: { $type: 'color', background: { $value: '#0066cc' }, text: { $value: '#ffffff' } },
          'button-danger': { $extends: '{button}', background: { $value: '#cc0000' } },
          a: { $extends: '{b}' },
          b: { $extends: '{a}' },
          old: { $type: 'color', $deprecated: 'use button', grey: { $value: '#999999' } },
        },
        null,
        2,
      );
      const c = await parseDesignSystem('dtcg', [{ path: 'ui.tokens.json', text }]);
      assert.deepEqual(hexes(c), { 'button.background': '#0066cc', 'button.text': '#ffffff', 'button-danger.background': '#cc0000', 'button-danger.text': '#ffffff' });
      assert.deepEqual(
        c.problems.map((p) => p.message),
        ['{a} extends {b}, which leads back to it (a → b → a): a group cannot extend itself.'],
      );
    });
  });

  describe('Tailwind v3 config', () => {
    it('reads theme and theme.extend literally, and reports require(), member values and spreads without running them', async () => {
      const c = await parse('tailwind-v3', [['tailwind-v3/tailwind.config.js.txt', 'tailwind.config.js']]);
      assert.deepEqual(texts(c), [
        'tailwind.config.js:19:13: theme.colors.gray is `colors.slate`, taken from another module or object, which cannot be read without running the config: it is left out (tailwind configs are read, never run).',
        'tailwind.config.js:24:27: theme.fontFamily.sans[1] is a spread (...defaultTheme.fontFamily.sans), which cannot be read without running the config: it is left out (tailwind configs are read, never run).',
        'tailwind.config.js:30:18: 1 colour(s) are CSS variables (theme.extend.colors.surface): their values are in your CSS, so name that file as the design system to read them.',
      ]);
      assert.deepEqual(hexes(c), { accent: '#f97015', brand: '#0055ff', white: '#ffffff', 'brand-50': '#eef4ff', 'brand-900': '#0a1f5c', 'brand-950': '#050f2e' });
      assert.deepEqual(style(c, 'sans'), { name: 'sans', family: 'Inter var' });
      assert.deepEqual(style(c, 'serif'), { name: 'serif', family: 'Source Serif 4', fallbacks: ['Georgia', 'serif'] });
      assert.deepEqual(style(c, 'display'), { name: 'display', size: '3.5rem', lineHeight: '1.1', letterSpacing: '-0.02em', weight: 700 });
      assert.deepEqual(style(c, '2xl'), { name: '2xl', size: '1.5rem', lineHeight: '2rem' });
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['default=0.375rem', '4xl=2rem'],
      );
      assert.deepEqual(
        c.spacing.map((r) => `${r.name}=${r.value}`),
        ['18=4.5rem', '128=32rem'],
      );
    });

    it('is never executed', async () => {
      const text = "globalThis.__ranTailwindConfig = true;\nmodule.exports = { theme: { colors: { primary: '#010203' } } };\n";
      const c = await parseDesignSystem('tailwind-v3', [{ path: 'tailwind.config.cjs', text }]);
      assert.deepEqual(hexes(c), { primary: '#010203' });
      assert.equal((globalThis as Record<string, unknown>).__ranTailwindConfig, undefined);
    });

    it('reads a TypeScript config with satisfies, as const and an exported constant', async () => {
      const c = await parse('tailwind-v3', [['tailwind-v3-ts/tailwind.config.ts.txt', 'web/tailwind.config.ts']]);
      assert.deepEqual(c.problems, []);
      assert.deepEqual(hexes(c), { primary: '#7c3aed', 'primary-foreground': '#ffffff', muted: '#f4f4f5' });
      assert.equal(style(c, 'display')?.family, 'Satoshi');
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['lg=0.75rem'],
      );
    });

    it('reports a syntax error at its line and column', async () => {
      const c = await parse('tailwind-v3', [['broken/tailwind.config.js.txt', 'tailwind.config.js']]);
      assert.deepEqual(texts(c), ['tailwind.config.js:10:1: cannot be parsed: Unexpected token, expected ",".']);
    });
  });

  describe('CSS', () => {
    it('reads Tailwind v4 @theme namespaces, following var() into :root and ignoring dark-mode values', async () => {
      const c = await parse('tailwind-v4', [['tailwind-v4/app.css', 'src/app.css']]);
      assert.deepEqual(c.problems, []);
      assert.deepEqual(hexes(c), {
        primary: '#171717',
        background: '#ffffff',
        foreground: '#0a0a0a',
        'primary-foreground': '#fafafa',
        'brand-500': '#2b7fff',
        'mint-300': '#a7f3d0',
      });
      assert.deepEqual(style(c, 'display'), { name: 'display', family: 'Satoshi', fallbacks: ['sans-serif'] });
      assert.deepEqual(style(c, 'xl'), { name: 'xl', size: '1.25rem', lineHeight: '1.4' });
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['sm=6px', 'lg=0.625rem'],
      );
      assert.deepEqual(
        c.spacing.map((r) => `${r.name}=${r.value}`),
        ['base=0.25rem'],
      );
    });

    it('reads :root custom properties, with var() fallbacks, cycles and missing variables named', async () => {
      const c = await parse('css-variables', [['css-variables/styles/tokens.css', 'styles/tokens.css']]);
      assert.deepEqual(texts(c), [
        'styles/tokens.css:16:3: --loop-a is part of a circular reference (--loop-a → --loop-b → --loop-a), so none of these tokens has a value',
        'styles/tokens.css:17:3: --loop-b is part of a circular reference (--loop-b → --loop-a → --loop-b), so none of these tokens has a value',
        'styles/tokens.css:18:3: --color-ghost refers to --not-defined, which does not exist',
        'styles/tokens.css:4:3: --color-primary-hover is "color-mix(in srgb, #0055ff, black 10%)", which is not a colour we can convert (color-mix() and relative colours are not read): it is left out.',
      ]);
      assert.deepEqual(hexes(c), {
        primary: '#0055ff', // the @media and [data-theme=dark] values do not replace it
        'brand-accent': '#ff5500',
        surface: '#ffffff', // bare HSL channels
        'text-primary': '#111111',
        link: '#0055ff',
        fallback: '#00aa55',
      });
      assert.deepEqual(style(c, 'heading'), { name: 'heading', family: 'Playfair Display', fallbacks: ['Georgia', 'serif'] });
      assert.deepEqual(style(c, 'lg'), { name: 'lg', size: '1.125rem' });
      assert.deepEqual(
        c.radius.map((r) => `${r.name}=${r.value}`),
        ['md=8px', 'pill=9999px'],
      );
    });

    it('reports a CSS syntax error at its place', async () => {
      const c = await parse('css-variables', [['broken/broken.css', 'broken.css']]);
      assert.deepEqual(texts(c), ['broken.css:1:1: is not valid CSS: Unclosed block.']);
    });
  });

  describe('style guide file', () => {
    it('keeps reading the small JSON shape, now with colours as swatches', async () => {
      const c = await parse('style-guide', [['style-guide/brand.json', 'brand.json']]);
      assert.equal(c.name, 'Acme');
      assert.deepEqual(hexes(c), { primary: '#0055ff', accent: '#ff5500' });
      assert.deepEqual(c.notes, ['Typography: Inter for everything, bold headings.', 'Tone: calm and precise.']);
      assert.deepEqual(texts(c), ['brand.json:3:66: colors.oops is "blue-ish", which is not a colour: it is left out.', 'brand.json:6:3: ignored unknown field(s) owner.']);
    });

    it('reads a Markdown guide by its sections, its front matter tokens included, and plain text as one note', async () => {
      const markdown = '---\ncolors:\n  primary: "#123456"\n---\n# Brand\n\n## Do\'s and Don\'ts\n\n- Do keep it calm\n';
      assert.equal(designKindOf('STYLE.md', markdown), 'design-md', 'front matter with tokens reads as a DESIGN.md');
      const md = await parseDesignSystem('design-md', [{ path: 'STYLE.md', text: markdown }]);
      assert.deepEqual(hexes(md), { primary: '#123456' });
      assert.deepEqual(md.dos, ['keep it calm']);
      const plain = await parseDesignSystem('style-guide', [{ path: 'guide.txt', text: 'Navy and coral.\n\nFriendly, never loud.' }]);
      assert.deepEqual(plain.notes, ['Navy and coral. Friendly, never loud.']);
      const empty = await parseDesignSystem('style-guide', [{ path: 'guide.txt', text: '   ' }]);
      assert.deepEqual(texts(empty), ['guide.txt: has no usable content: add brand colours, typography or tone.']);
    });
  });

  it('turns hostile files into problems: nesting deep enough to exhaust the stack, a flood of unclosed fences', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const tokens = await parseDesignSystem('dtcg', [{ path: 'deep.tokens.json', text: deep }]);
    assert.equal(tokens.problems[0]?.severity, 'error');
    assert.match(tokens.problems[0]?.text ?? '', /^deep\.tokens\.json(:\d+:\d+)?: /);
    const fences = `## Overview\n\n${'```yaml\n[[[[ '.repeat(50_000)}`;
    const md = await parseDesignSystem('design-md', [{ path: 'DESIGN.md', text: fences }]);
    assert.equal(md.colors.length, 0);
  });

  it('tells each kind of file apart', () => {
    assert.equal(designKindOf('docs/design.md', ''), 'design-md');
    assert.equal(designKindOf('tokens/brand.tokens', '{}'), 'dtcg');
    assert.equal(designKindOf('brand.json', '{ "color": { "$value": "#fff" } }'), 'dtcg');
    assert.equal(designKindOf('brand.json', '{ "brand": "Acme" }'), 'style-guide');
    assert.equal(designKindOf('tailwind.config.mjs', ''), 'tailwind-v3');
    assert.equal(designKindOf('app.css', '@theme { --color-x: red; }'), 'tailwind-v4');
    assert.equal(designKindOf('vars.css', ':root { --x: red; }'), 'css-variables');
    assert.equal(designKindOf('STYLE.md', '# Brand\nCalm.'), 'style-guide');
  });
});
