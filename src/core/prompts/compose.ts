/**
 * Composes the prompt that is sent: what the user typed (or a template rendered), for an edit the
 * image's own context, the workspace style guide and the locale instruction. Each part is returned
 * too, so the UI can show exactly what is sent and why.
 */
import { type Locale, localeInstruction } from './locales';
import type { StyleGuide } from './styleGuide';
import { renderTemplate } from './templates';

export interface PromptInput {
  /** Free text; with a template, added after the template's prompt as further instructions. */
  readonly text?: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  readonly styleGuide?: StyleGuide;
  readonly locale?: Locale;
  readonly verbatim?: readonly string[];
  /**
   * For an edit: what the edited image shows (its parent's prompt as typed), sent after the change
   * so that the service keeps the screen's purpose and language.
   */
  readonly context?: string;
  /** A sentence that frames what follows (a redesign's brief), sent first. */
  readonly lead?: string;
  /** The request carries the set's anchor as its last input image: ask for its look (ANCHOR_INSTRUCTION). */
  readonly anchored?: boolean;
}

/**
 * What a request with an anchor asks of the service: the anchor gives the look, not the content.
 * Sent after the lead, before what the user wrote.
 */
export const ANCHOR_INSTRUCTION =
  'The last attached image is the anchor of this set of screens: match its colours, typography, corner radius, spacing, icon style and components exactly, so that this screen looks like part of the same product. Take its look, not its content or layout.';

export const PROMPT_PART_KINDS = ['instruction', 'template', 'text', 'context', 'styleGuide', 'locale'] as const;

export interface PromptPart {
  readonly kind: (typeof PROMPT_PART_KINDS)[number];
  readonly text: string;
}

/** The longest image context an edit carries (the rest of the parent's prompt is left out). */
export const MAX_EDIT_CONTEXT_CHARS = 600;

export interface ComposedPrompt {
  /** What the user wrote: the template rendering and/or the free text. */
  readonly typed: string;
  /** The full prompt sent. */
  readonly sent: string;
  readonly parts: readonly PromptPart[];
}

export function composePrompt(input: PromptInput): ComposedPrompt {
  const parts: PromptPart[] = [];
  if (input.template) parts.push({ kind: 'template', text: renderTemplate(input.template.id, input.template.fields) });
  const text = input.text?.trim();
  if (text) parts.push({ kind: 'text', text });
  if (parts.length === 0) throw new Error('The prompt is empty: describe the mockup, or fill in a template.');
  const typed = parts.map((p) => p.text).join(' ');
  if (input.anchored) parts.unshift({ kind: 'instruction', text: ANCHOR_INSTRUCTION });
  if (input.lead?.trim()) parts.unshift({ kind: 'instruction', text: input.lead.trim() });
  const context = input.context?.trim();
  if (context) parts.push({ kind: 'context', text: `Keep everything not named above as it is in the image, which shows: ${clip(context, MAX_EDIT_CONTEXT_CHARS)}` });
  if (input.styleGuide) parts.push({ kind: 'styleGuide', text: input.styleGuide.text });
  if (input.locale) parts.push({ kind: 'locale', text: localeInstruction(input.locale, input.verbatim) });
  return { typed, sent: parts.map((p) => p.text).join('\n\n'), parts };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}...`;
}
