/** The arrow keys on a choice of one among a few (radio semantics): the next or previous value, wrapping. */
export function radioKey<T>(values: readonly T[], current: T, key: string): T | undefined {
  const step = key === 'ArrowRight' || key === 'ArrowDown' ? 1 : key === 'ArrowLeft' || key === 'ArrowUp' ? -1 : 0;
  if (!step || !values.length) return undefined;
  return values[(values.indexOf(current) + step + values.length) % values.length];
}
