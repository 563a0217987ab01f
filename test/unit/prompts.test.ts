import * as assert from 'node:assert/strict';
import { composePrompt, findLocale, LOCALES, parseStyleGuide, renderTemplate, requireLocale, TEMPLATES } from '../../src/core/prompts';

describe('prompts', () => {
  it('has a template for each mockup kind, each rendering its required fields', () => {
    assert.deepEqual(
      TEMPLATES.map((t) => t.id),
      ['mobile-screen', 'web-page', 'dashboard', 'component-sheet', 'onboarding-flow', 'marketing-banner', 'storyboard-panel'],
    );
    for (const template of TEMPLATES) {
      const fields = Object.fromEntries(template.fields.map((f) => [f.id, f.example]));
      const prompt = renderTemplate(template.id, fields);
      for (const field of template.fields) assert.ok(prompt.includes(field.example), `${template.id} uses ${field.id}`);
    }
  });

  it('names missing required fields, unknown fields and unknown templates', () => {
    assert.throws(() => renderTemplate('mobile-screen', { app: 'x' }), /needs "Screen" \(screen\)/);
    assert.throws(() => renderTemplate('mobile-screen', { app: 'x', screen: 'y', colour: 'red' }), /no field "colour"/);
    assert.throws(() => renderTemplate('poster', {}), /Unknown template "poster"/);
  });

  it('covers the seed locales, with right-to-left scripts marked', () => {
    for (const tag of ['en', 'ja', 'ko', 'zh-Hans', 'hi', 'bn', 'ar', 'es', 'de', 'fr', 'he']) assert.ok(findLocale(tag), tag);
    assert.equal(findLocale('zh')?.tag, 'zh-Hans');
    assert.deepEqual(LOCALES.filter((l) => l.direction === 'rtl').map((l) => l.tag), ['ar', 'he']);
    assert.throws(() => requireLocale('xx'), /Unknown locale "xx"/);
  });

  it('composes template, free text, style guide and locale, and shows each part', () => {
    const composed = composePrompt({
      template: { id: 'mobile-screen', fields: { app: 'a bank', screen: 'login' } },
      text: 'Include a biometric option.',
      styleGuide: parseStyleGuide('{"brand":"Acme","colors":{"primary":"#0055ff"},"tone":"calm"}', 'brand.json'),
      locale: requireLocale('ar'),
      verbatim: ['تسجيل الدخول'],
    });
    assert.deepEqual(composed.parts.map((p) => p.kind), ['template', 'text', 'styleGuide', 'locale']);
    assert.ok(composed.typed.includes('login screen of a bank') && composed.typed.includes('biometric'));
    assert.ok(!composed.typed.includes('Acme'), 'the style guide is not part of what was typed');
    assert.match(composed.sent, /Brand colours: primary #0055ff/);
    assert.match(composed.sent, /Arabic \(العربية\).*right to left/);
    assert.match(composed.sent, /"تسجيل الدخول"/);
  });

  it('reads Markdown style guides and bounds their length', () => {
    const guide = parseStyleGuide(`# Brand\n\n**Colours**: navy and coral.\n\n${'Tone is friendly. '.repeat(200)}`, 'STYLE.md');
    assert.ok(guide.text.startsWith('Follow this style guide: Brand Colours: navy and coral.'));
    assert.ok(guide.text.length < 1600);
    assert.equal(guide.warnings.length, 1);
    assert.throws(() => parseStyleGuide('{not json', 'brand.json'), /not valid JSON/);
    assert.throws(() => parseStyleGuide('   ', 'empty.md'), /no usable content/);
  });

  it('refuses an empty prompt', () => {
    assert.throws(() => composePrompt({ text: '  ' }), /prompt is empty/);
  });
});
