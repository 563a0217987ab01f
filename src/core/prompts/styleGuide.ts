/**
 * A workspace style guide (brand colours, type, tone) added to every prompt. Either a JSON file
 * `{ "brand", "colors": { name: "#hex" } | ["#hex"], "typography", "tone", "notes" }` or any text
 * (Markdown); the text is summarised to a bounded length so that it cannot crowd out the prompt.
 */

export const MAX_STYLE_GUIDE_CHARS = 1500;

export interface StyleGuide {
  /** The sentence(s) added to prompts. */
  readonly text: string;
  readonly file: string;
  readonly warnings: readonly string[];
}

export class StyleGuideError extends Error {
  override readonly name = 'StyleGuideError';
}

export function parseStyleGuide(content: string, file: string): StyleGuide {
  const warnings: string[] = [];
  let text: string;
  if (/\.json$/i.test(file)) {
    let value: unknown;
    try {
      value = JSON.parse(content) as unknown;
    } catch (error) {
      throw new StyleGuideError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}): fix it, or use a Markdown style guide.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StyleGuideError(`${file} must hold an object with brand, colors, typography, tone or notes.`);
    const guide = value as Record<string, unknown>;
    const parts: string[] = [];
    if (typeof guide.brand === 'string' && guide.brand.trim()) parts.push(`Brand: ${guide.brand.trim()}.`);
    const colors = guide.colors;
    if (Array.isArray(colors)) {
      const list = colors.filter((c): c is string => typeof c === 'string');
      if (list.length) parts.push(`Brand colours: ${list.join(', ')}.`);
    } else if (typeof colors === 'object' && colors !== null) {
      const list = Object.entries(colors as Record<string, unknown>)
        .filter(([, v]) => typeof v === 'string')
        .map(([k, v]) => `${k} ${String(v)}`);
      if (list.length) parts.push(`Brand colours: ${list.join(', ')}.`);
    }
    for (const [key, label] of [
      ['typography', 'Typography'],
      ['tone', 'Tone'],
      ['notes', 'Notes'],
    ] as const) {
      const v = guide[key];
      if (typeof v === 'string' && v.trim()) parts.push(`${label}: ${v.trim().replace(/[.\s]+$/, '')}.`);
    }
    const known = new Set(['brand', 'colors', 'typography', 'tone', 'notes', '$schema']);
    const unknown = Object.keys(guide).filter((k) => !known.has(k));
    if (unknown.length) warnings.push(`${file}: ignored unknown field(s) ${unknown.join(', ')}.`);
    text = parts.join(' ');
  } else {
    text = content
      .replace(/^---[\s\S]*?---/, '')
      .replace(/^#+\s*/gm, '')
      .replace(/[*_`>]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (!text) throw new StyleGuideError(`${file} has no usable content: add brand colours, typography or tone.`);
  if (text.length > MAX_STYLE_GUIDE_CHARS) {
    warnings.push(`${file}: the style guide has ${text.length} characters; only the first ${MAX_STYLE_GUIDE_CHARS} are added to prompts.`);
    text = `${text.slice(0, MAX_STYLE_GUIDE_CHARS).replace(/\s+\S*$/, '')}...`;
  }
  return { text: `Follow this style guide: ${text}`, file, warnings };
}
