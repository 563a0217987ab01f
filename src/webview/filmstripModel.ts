/**
 * The filmstrip's keyboard model: one list of thumbnails across its groups (in progress, this
 * session, history), one of them focusable at a time (roving tab stop). Pure, tested in Node.
 */

export interface FilmstripEntry {
  /** What `filmstrip-select` reports: a file path, or `tile:R:V` for a running job's tile. */
  readonly key: string;
  /** A thumbnail (a webview URI, or a data: URI of a preview); none while a tile waits. */
  readonly uri?: string;
  /** What tells it apart from its neighbours; the full name goes in `title`. */
  readonly label: string;
  readonly title?: string;
  /** A running tile's state (waiting, sending, preview, done, failed, ...). */
  readonly state?: string;
}

export interface FilmstripGroup {
  readonly id: string;
  readonly label: string;
  readonly entries: readonly FilmstripEntry[];
}

/** The keys in the order they are shown, across the groups. */
export function flatKeys(groups: readonly FilmstripGroup[]): string[] {
  return groups.flatMap((g) => g.entries.map((e) => e.key));
}

/**
 * The entry that takes the tab stop: the one that had it if it is still there, else the
 * selected one, else the first.
 */
export function tabStop(keys: readonly string[], current: string | undefined, selected: string | undefined): string | undefined {
  if (current !== undefined && keys.includes(current)) return current;
  if (selected !== undefined && keys.includes(selected)) return selected;
  return keys[0];
}

/**
 * Where a key moves the focus from `current`: Left/Right (and Up/Down) one entry, Home/End the
 * first and last, PageUp/PageDown `page` entries; it stops at the ends. Undefined: not a moving key.
 */
export function moveKey(keys: readonly string[], current: string | undefined, key: string, page = 5): string | undefined {
  if (!keys.length) return undefined;
  const at = current === undefined ? -1 : keys.indexOf(current);
  const to = (i: number): string => keys[Math.max(0, Math.min(keys.length - 1, i))];
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return to(at + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return to(at < 0 ? 0 : at - 1);
    case 'Home':
      return to(0);
    case 'End':
      return to(keys.length - 1);
    case 'PageDown':
      return to(at + page);
    case 'PageUp':
      return to(at < 0 ? 0 : at - page);
    default:
      return undefined;
  }
}
