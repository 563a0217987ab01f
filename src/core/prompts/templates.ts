/**
 * Templates for the kinds of mockup designers ask for most: structured fields in, a well-formed
 * prompt out. Each field has a label and an example for the UI; required fields must be filled.
 */

export interface TemplateField {
  readonly id: string;
  readonly label: string;
  readonly example: string;
  readonly required?: boolean;
}

export interface PromptTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly fields: readonly TemplateField[];
  /** Renders filled fields (already trimmed, empty ones removed) into the prompt. */
  render(fields: Readonly<Record<string, string>>): string;
}

const sentence = (text: string | undefined, prefix = ''): string => (text ? ` ${prefix}${text.replace(/[.\s]+$/, '')}.` : '');

export const TEMPLATES: readonly PromptTemplate[] = [
  {
    id: 'mobile-screen',
    name: 'Mobile app screen',
    description: 'One screen of a phone app, flat UI, as a designer would hand it off.',
    fields: [
      { id: 'app', label: 'App', example: 'a coffee ordering app', required: true },
      { id: 'screen', label: 'Screen', example: 'checkout with saved cards and Apple Pay', required: true },
      { id: 'components', label: 'Key components', example: 'order summary, tip selector, pay button' },
      { id: 'style', label: 'Visual style', example: 'light theme, rounded cards, warm accent colour' },
    ],
    render: (f) =>
      `A high-fidelity mobile app UI mockup of the ${f.screen} screen of ${f.app}, shown flat and front-on, filling the whole canvas, no device frame, no hands.` +
      sentence(f.components, 'It shows ') +
      sentence(f.style, 'Style: ') +
      ' Crisp, legible interface text, consistent spacing, realistic content.',
  },
  {
    id: 'web-page',
    name: 'Web page',
    description: 'A full web page or landing page at a desktop breakpoint.',
    fields: [
      { id: 'site', label: 'Site', example: 'a project-management SaaS', required: true },
      { id: 'page', label: 'Page', example: 'pricing page with three plans', required: true },
      { id: 'sections', label: 'Sections', example: 'navigation bar, hero, plan cards, FAQ, footer' },
      { id: 'style', label: 'Visual style', example: 'minimal, lots of white space, indigo accents' },
    ],
    render: (f) =>
      `A high-fidelity website UI mockup of the ${f.page} of ${f.site}, shown as a flat browser viewport filling the canvas, no browser chrome.` +
      sentence(f.sections, 'Sections: ') +
      sentence(f.style, 'Style: ') +
      ' Legible text, realistic copy, consistent grid.',
  },
  {
    id: 'dashboard',
    name: 'Dashboard',
    description: 'A data-dense dashboard with charts, tables and filters.',
    fields: [
      { id: 'product', label: 'Product', example: 'an e-commerce analytics tool', required: true },
      { id: 'metrics', label: 'Metrics and widgets', example: 'revenue line chart, orders table, conversion KPI cards', required: true },
      { id: 'navigation', label: 'Navigation', example: 'left sidebar with icons, top search bar' },
      { id: 'style', label: 'Visual style', example: 'dark theme, teal and amber data colours' },
    ],
    render: (f) =>
      `A high-fidelity dashboard UI mockup for ${f.product}, flat, filling the canvas.` +
      sentence(f.metrics, 'It shows ') +
      sentence(f.navigation, 'Navigation: ') +
      sentence(f.style, 'Style: ') +
      ' Plausible numbers, readable labels and axes, aligned grid.',
  },
  {
    id: 'component-sheet',
    name: 'Component sheet',
    description: 'A design-system sheet of one component in its variants and states.',
    fields: [
      { id: 'component', label: 'Component', example: 'button', required: true },
      { id: 'variants', label: 'Variants and states', example: 'primary, secondary, ghost; default, hover, pressed, disabled', required: true },
      { id: 'style', label: 'Visual style', example: 'rounded 8 px corners, Inter typeface, blue primary' },
    ],
    render: (f) =>
      `A design-system component sheet of the ${f.component} component on a neutral background, arranged in a tidy grid with small labels.` +
      sentence(f.variants, 'Variants and states: ') +
      sentence(f.style, 'Style: ') +
      ' Flat, precise, evenly spaced, every label legible.',
  },
  {
    id: 'onboarding-flow',
    name: 'Onboarding flow',
    description: 'Several onboarding steps side by side.',
    fields: [
      { id: 'app', label: 'App', example: 'a meditation app', required: true },
      { id: 'steps', label: 'Steps', example: 'welcome, choose goals, enable notifications', required: true },
      { id: 'style', label: 'Visual style', example: 'soft pastel illustrations, generous spacing' },
    ],
    render: (f) =>
      `A high-fidelity UI mockup of the onboarding flow of ${f.app}: the steps shown as screens side by side in order, flat, no device frames.` +
      sentence(f.steps, 'Steps: ') +
      sentence(f.style, 'Style: ') +
      ' Consistent layout across steps, legible headlines and buttons.',
  },
  {
    id: 'marketing-banner',
    name: 'Marketing banner',
    description: 'A campaign visual or banner with a headline and a call to action.',
    fields: [
      { id: 'product', label: 'Product or campaign', example: 'a summer sale of running shoes', required: true },
      { id: 'headline', label: 'Headline', example: 'Run further this summer' },
      { id: 'cta', label: 'Call to action', example: 'Shop now' },
      { id: 'style', label: 'Visual style', example: 'bold type, bright gradient, product photo on the right' },
    ],
    render: (f) =>
      `A polished marketing banner for ${f.product}, composed for its exact format with clear hierarchy and safe margins.` +
      (f.headline ? ` Headline: "${f.headline}".` : '') +
      (f.cta ? ` Call-to-action button: "${f.cta}".` : '') +
      sentence(f.style, 'Style: '),
  },
  {
    id: 'storyboard-panel',
    name: 'Storyboard panel',
    description: 'A UX storyboard panel showing a person using the product in context.',
    fields: [
      { id: 'scene', label: 'Scene', example: 'a commuter checks a delayed train on her phone', required: true },
      { id: 'moment', label: 'Moment in the journey', example: 'she gets a push notification offering a new route' },
      { id: 'style', label: 'Visual style', example: 'clean line drawing with flat colour, caption below' },
    ],
    render: (f) =>
      `A UX storyboard panel: ${f.scene}.` + sentence(f.moment, 'Moment: ') + sentence(f.style, 'Style: ') + ' Simple, readable, one clear action.',
  },
];

export function findTemplate(id: string): PromptTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Renders a template, checking that the template exists, fields are known and required ones are filled. */
export function renderTemplate(id: string, fields: Readonly<Record<string, unknown>>): string {
  const template = findTemplate(id);
  if (!template) throw new TemplateError(`Unknown template "${id}": use one of ${TEMPLATES.map((t) => t.id).join(', ')}.`);
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!template.fields.some((f) => f.id === key)) {
      throw new TemplateError(`Template "${id}" has no field "${key}": its fields are ${template.fields.map((f) => f.id).join(', ')}.`);
    }
    if (typeof value !== 'string') throw new TemplateError(`Template field "${key}" must be text.`);
    if (value.trim()) clean[key] = value.trim();
  }
  const missing = template.fields.filter((f) => f.required && !clean[f.id]);
  if (missing.length) throw new TemplateError(`Template "${id}" needs ${missing.map((f) => `"${f.label}" (${f.id})`).join(' and ')}.`);
  return template.render(clean);
}
