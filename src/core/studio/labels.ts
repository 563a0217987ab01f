/**
 * Short names for a set of mockups shown together (results, the filmstrip, a comparison): only what
 * tells them apart (size, language, variant, edit, copy), the full file name being on hover. Two
 * results of one request differ by language and variant; the same screen at three sizes by size.
 * Browser-safe: the webview imports it.
 */
export interface Labelled {
  /** The file name, e.g. `checkout-1170x2532-ja-v2.png` or `checkout-refined-2.png`. */
  readonly name: string;
  /** The size as shown, e.g. `1170x2532` or `iPhone 15 (390x844@3x)`. */
  readonly sizeLabel: string;
  readonly locale?: string;
}

interface Parts {
  readonly size: string;
  readonly locale: string;
  readonly variant: string;
  readonly edit: string;
  readonly copy: string;
  readonly stem: string;
}

function parts(item: Labelled): Parts {
  let base = item.name.replace(/\.[^.]+$/, '');
  let copy = '';
  let variant = '';
  let edit = '';
  const copyMatch = /-(\d+)$/.exec(base);
  // `-2` after a variant, a locale or an edit is a copy made because the name was taken.
  if (copyMatch && /(-v\d+|-[a-z]{2}(-[A-Za-z0-9]+)?|-refined|-inpainted|x\d+)-\d+$/.test(base)) {
    copy = copyMatch[1] ?? '';
    base = base.slice(0, -copyMatch[0].length);
  }
  const editMatch = /-(refined|inpainted)$/.exec(base);
  if (editMatch) {
    edit = editMatch[1] ?? '';
    base = base.slice(0, -editMatch[0].length);
  }
  const variantMatch = /-v(\d+)$/.exec(base);
  if (variantMatch) {
    variant = variantMatch[1] ?? '';
    base = base.slice(0, -variantMatch[0].length);
  }
  return { size: item.sizeLabel, locale: item.locale ?? '', variant, edit, copy, stem: base };
}

const KEYS = ['stem', 'size', 'locale', 'variant', 'edit', 'copy'] as const;

/**
 * For each item, the words that tell it from the others in `items`, joined by " · " (for example
 * `ja · v2`). A lone item is named by its size; items that differ in nothing shown keep their names.
 */
export function distinguishingLabels(items: readonly Labelled[]): string[] {
  const all = items.map(parts);
  if (all.length <= 1) return all.map((p) => p.size);
  const varying = KEYS.filter((key) => new Set(all.map((p) => p[key])).size > 1);
  return all.map((p, i) => {
    const words = varying
      .filter((key) => key !== 'stem' || varying.length === 1)
      .map((key) => {
        const value = p[key];
        if (key === 'variant') return value ? `v${value}` : '';
        if (key === 'copy') return value ? `#${value}` : '';
        if (key === 'locale') return value || '—';
        if (key === 'edit') return value || 'original';
        return value;
      })
      .filter(Boolean);
    return words.length ? words.join(' · ') : (items[i]?.name ?? '');
  });
}
