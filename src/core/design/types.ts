/**
 * The one shape every design-system format is normalised into (the "design context"), and the
 * problems found on the way. Plain data: it crosses into the webview and into sidecars as it is.
 */

/** Which kind of file the design context was read from, in discovery order. */
export type DesignSourceKind = 'design-md' | 'dtcg' | 'tailwind-v4' | 'tailwind-v3' | 'css-variables' | 'style-guide';

export const DESIGN_SOURCE_LABELS: Readonly<Record<DesignSourceKind, string>> = {
  'design-md': 'DESIGN.md',
  dtcg: 'design tokens (DTCG)',
  'tailwind-v4': 'Tailwind v4 @theme',
  'tailwind-v3': 'Tailwind v3 config',
  'css-variables': 'CSS custom properties',
  'style-guide': 'style guide',
};

export interface DesignSourceFile {
  /** Workspace-relative, with forward slashes. */
  readonly path: string;
  /** SHA-256 of the file's bytes, lower-case hex. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DesignSource {
  readonly kind: DesignSourceKind;
  /** One file, or several token files merged (DTCG), in the order they were merged. */
  readonly files: readonly DesignSourceFile[];
  /**
   * The design system's hash, for sidecars and for telling whether a mockup was made with an older
   * version: the file's SHA-256 when there is one file (so `sha256sum` agrees), else the SHA-256 of
   * the lines `<path>\0<sha256>\n` of every file in order.
   */
  readonly sha256: string;
  /** For people: `DESIGN.md`, `tokens/ (3 token files)`. */
  readonly label: string;
}

export interface DesignProblem {
  readonly severity: 'error' | 'warning';
  /** Workspace-relative file, when the problem is in one. */
  readonly file?: string;
  /** 1-based line and column (UTF-16 code units), when known. */
  readonly line?: number;
  readonly column?: number;
  /** The token the problem is about, as the file names it (`color.brand`, `--radius-md`). */
  readonly token?: string;
  /** The message without its location. */
  readonly message: string;
  /** `file:line:col: message`, ready to print. */
  readonly text: string;
}

/** Canonical colour roles, the ones a prompt block lists first. */
export type ColorRole =
  | 'primary'
  | 'secondary'
  | 'tertiary'
  | 'accent'
  | 'brand'
  | 'neutral'
  | 'background'
  | 'surface'
  | 'foreground'
  | 'border'
  | 'muted'
  | 'success'
  | 'warning'
  | 'error'
  | 'info';

export interface DesignColor {
  /** The token's name without its colour group (`primary`, `brand.500`, `on-surface`). */
  readonly name: string;
  /** `#rrggbb`, or `#rrggbbaa` when not opaque; sRGB, gamut-mapped when the source was wider. */
  readonly hex: string;
  readonly role?: ColorRole;
  /** A numbered step of a palette (`blue-500`), listed after the named colours. */
  readonly shade: boolean;
  /** The value as written, when it was not already this hex (`oklch(0.62 0.21 259)`, `{color.blue}`). */
  readonly written?: string;
  readonly description?: string;
  /** Where it is defined. */
  readonly file: string;
  readonly line: number;
}

export interface DesignTypeStyle {
  /** The role or scale step (`h1`, `body-md`, `sans`, `xl`). */
  readonly name: string;
  /** The first family of the stack, unquoted (`Public Sans`). */
  readonly family?: string;
  /** The rest of the stack (`Arial`, `sans-serif`). */
  readonly fallbacks?: readonly string[];
  /** As written with its unit (`48px`, `1.25rem`). */
  readonly size?: string;
  /** 1 to 1000. */
  readonly weight?: number;
  /** A unitless multiplier (`1.5`) or a length (`24px`). */
  readonly lineHeight?: string;
  readonly letterSpacing?: string;
  readonly file: string;
  readonly line: number;
}

export interface DesignDimension {
  readonly name: string;
  /** As written with its unit (`8px`, `0.5rem`, `9999px`). */
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export interface DesignNote {
  /** The component's name (`button-primary`), or a heading for prose notes. */
  readonly name: string;
  readonly text: string;
}

export interface DesignContext {
  readonly source: DesignSource;
  /** The design system's name, when the file gives one. */
  readonly name?: string;
  /** A sentence or two on the look and feel (DESIGN.md's Overview). */
  readonly overview?: string;
  /** Role colours first, then the other named colours, then palette shades; source order within each. */
  readonly colors: readonly DesignColor[];
  readonly typography: readonly DesignTypeStyle[];
  readonly radius: readonly DesignDimension[];
  readonly spacing: readonly DesignDimension[];
  readonly components: readonly DesignNote[];
  readonly dos: readonly string[];
  readonly donts: readonly string[];
  /** Other prose worth sending (a style guide's tone and notes). */
  readonly notes: readonly string[];
  /** What was wrong in the file(s); tokens with errors are left out of the lists above. */
  readonly problems: readonly DesignProblem[];
}
