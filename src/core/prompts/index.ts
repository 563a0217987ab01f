export { ANCHOR_INSTRUCTION, composePrompt, MAX_EDIT_CONTEXT_CHARS, PROMPT_PART_KINDS, type ComposedPrompt, type PromptInput, type PromptPart } from './compose';
export { findLocale, LocaleError, localeInstruction, LOCALES, requireLocale, type Locale } from './locales';
export { MAX_STYLE_GUIDE_CHARS, parseStyleGuide, StyleGuideError, type StyleGuide } from './styleGuide';
export { findTemplate, renderTemplate, TEMPLATES, TemplateError, type PromptTemplate, type TemplateField } from './templates';
