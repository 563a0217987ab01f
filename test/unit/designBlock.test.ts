import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DEFAULT_DESIGN_BLOCK_CHARS, parseDesignSystem, renderDesignBlock, summarizeDesign, type DesignContext } from '../../src/core/design';
import { fixtureText } from '../fixtures/design/workspace';

/** The block of the DESIGN.md fixture starts with these lines at any budget of 300 or more. */
const FIRST_LINES = [
  'Follow the workspace design system "Heritage" exactly.',
  'Colours: primary #1a1c1e, secondary #6c7278, tertiary #b8422e, neutral #f7f5f2, on-tertiary #ffffff, error #e7000b, link #b8422e.',
  'Fonts: Public Sans (h1, body-md), Space Grotesk (label-caps).',
  'Corner radius: sm 4px, md 8px, full 9999px.',
];

describe('design system prompt block', () => {
  let heritage: DesignContext;
  let tokens: DesignContext;
  before(async () => {
    heritage = await parseDesignSystem('design-md', [{ path: 'DESIGN.md', text: await fixtureText('design-md/DESIGN.md') }]);
    tokens = await parseDesignSystem('dtcg', [
      { path: 'tokens/primitives.tokens.json', text: await fixtureText('dtcg/tokens/primitives.tokens.json') },
      { path: 'tokens/semantic.tokens.json', text: await fixtureText('dtcg/tokens/semantic.tokens.json') },
    ]);
  });

  it('puts the main colours, the font families and the radius first, and names what did not fit', () => {
    const block = renderDesignBlock(heritage);
    assert.equal(block.budget, DEFAULT_DESIGN_BLOCK_CHARS);
    assert.equal(
      block.text,
      [
        ...FIRST_LINES,
        'Look: Architectural minimalism meets journalistic gravitas. The UI evokes a premium matte finish: a high-end broadsheet or a contemporary gallery.',
        'Type scale: h1 48px/1.1 weight 600 tracking -0.02em; body-md 16px/1.6 weight 400; label-caps 12px/1 weight 500 tracking 0.1em.',
        'Do: use the tertiary colour only for the single most important action per screen; maintain WCAG AA contrast ratios (4.5:1 for normal text).',
        "Don't: mix rounded and sharp corners in the same view; avoid more than two font weights on one screen.",
        'Components: button-primary: background #b8422e (tertiary), text #ffffff (on-tertiary), radius 8px, padding 12px; chip: type label-caps Space Grotesk 12px, radius 9999px; Buttons: Rounded (8px); the primary button is Boston Clay with white text; Cards: White on limestone, no shadow, 24px padding.',
        'Spacing: xs 4px, sm 8px, md 16px, lg 32px.',
      ].join('\n'),
    );
    assert.ok(block.text.length <= DEFAULT_DESIGN_BLOCK_CHARS);
    assert.equal(block.omittedText, '3 notes left out');
    assert.deepEqual(block.omitted, [{ kind: 'note', count: 3 }]);
  });

  it('keeps within a small budget by leaving out whole items, least important first', () => {
    const block = renderDesignBlock(heritage, { budget: 300 });
    assert.equal(
      block.text,
      [
        ...FIRST_LINES,
      ].join('\n'),
    );
    assert.equal(block.omittedText, "the overview, 3 type styles, 2 do's, 2 don'ts, 4 component notes, 4 spacing tokens and 3 notes left out");
  });

  it('never exceeds the budget, and every item is either shown whole or counted as left out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }), fc.boolean(), (budget, useTokens) => {
        const context = useTokens ? tokens : heritage;
        const block = renderDesignBlock(context, { budget });
        assert.ok(block.text.length <= Math.max(budget, 200), `${block.text.length} > ${budget}`);
        const shown = context.colors.filter((c) => block.text.includes(`${c.name} ${c.hex}`)).length;
        const left = block.omitted.find((o) => o.kind === 'color')?.count ?? 0;
        assert.equal(shown + left, context.colors.length);
        const spacingLeft = block.omitted.find((o) => o.kind === 'spacing')?.count ?? 0;
        const spacingShown = context.spacing.filter((s) => new RegExp(`Spacing: .*\\b${s.name} ${s.value}`).test(block.text)).length;
        assert.equal(spacingShown + spacingLeft, context.spacing.length);
      }),
      { numRuns: 300 },
    );
  });

  it('sends nothing for a design system with nothing in it', async () => {
    const empty = await parseDesignSystem('dtcg', [{ path: 'empty.tokens.json', text: '{}' }]);
    assert.deepEqual(renderDesignBlock(empty), { text: '', budget: DEFAULT_DESIGN_BLOCK_CHARS, omitted: [] });
  });

  it('summarises swatches and type samples for the Studio', () => {
    const summary = summarizeDesign(tokens);
    assert.equal(summary.kindLabel, 'design tokens (DTCG)');
    assert.equal(summary.label, 'tokens/ (2 token files)');
    assert.equal(summary.sha256, tokens.source.sha256);
    assert.deepEqual(summary.swatches[0], { name: 'primary', hex: '#2563eb', role: 'primary' });
    assert.deepEqual(summary.swatches[1], { name: 'brand', hex: '#2563eb', role: 'brand', description: 'The one colour of calls to action.' });
    assert.deepEqual(
      summary.typeSamples.find((t) => t.role === 'heading'),
      { role: 'heading', family: 'Merriweather', size: '3rem', weight: 700, lineHeight: '1.2' },
    );
    assert.deepEqual(summary.radius, [
      { name: 'sm', value: '4px' },
      { name: 'md', value: '8px' },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(summary)) as unknown, summary, 'plain data, ready for the webview');
  });
});
