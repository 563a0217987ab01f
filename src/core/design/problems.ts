/**
 * Problems with a place: every reader turns offsets into 1-based line:column and reports through
 * one collector, so that all formats word and bound their messages the same way.
 */
import type { DesignProblem } from './types';

/** At most this many problems per design system; the rest are counted in one last line. */
export const MAX_PROBLEMS = 50;

export interface Place {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export function formatPlace(place: Place): string {
  if (place.line === undefined) return place.file;
  return place.column === undefined ? `${place.file}:${place.line}` : `${place.file}:${place.line}:${place.column}`;
}

export function makeProblem(severity: DesignProblem['severity'], place: Place | undefined, message: string, token?: string): DesignProblem {
  const where = place ? `${formatPlace(place)}: ` : '';
  return {
    severity,
    ...(place ? { file: place.file } : {}),
    ...(place?.line !== undefined ? { line: place.line } : {}),
    ...(place?.column !== undefined ? { column: place.column } : {}),
    ...(token !== undefined ? { token } : {}),
    message,
    text: `${where}${message}`,
  };
}

/** Collects problems, errors and warnings alike, and keeps their number bounded. */
export class Problems {
  private readonly list: DesignProblem[] = [];
  private dropped = 0;

  error(place: Place | undefined, message: string, token?: string): void {
    this.add(makeProblem('error', place, message, token));
  }

  warning(place: Place | undefined, message: string, token?: string): void {
    this.add(makeProblem('warning', place, message, token));
  }

  add(problem: DesignProblem): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    else this.dropped++;
  }

  get hasErrors(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }

  /** Errors first, each group in the order found. */
  toArray(): DesignProblem[] {
    const sorted = [...this.list.filter((p) => p.severity === 'error'), ...this.list.filter((p) => p.severity === 'warning')];
    if (this.dropped) sorted.push(makeProblem('warning', undefined, `${this.dropped} more problem(s) not listed.`));
    return sorted;
  }
}

/** Turns offsets into 1-based lines and columns (UTF-16 code units, as editors count). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  place(file: string, offset: number): Place {
    return { file, ...this.position(offset) };
  }
}
