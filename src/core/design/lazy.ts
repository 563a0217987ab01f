/**
 * Parsers are loaded on first use, not when the extension starts: `lazy(() => import('x'))` gives
 * a function that starts the load once and hands every caller the same promise.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
