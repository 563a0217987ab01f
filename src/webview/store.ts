/**
 * One store for the Studio app: the state lives here, never in module variables; components read it
 * through a `StoreController` and re-render when it changes. `update` takes a function from the
 * current state to the changes, so every change is one step that all subscribers see.
 */
export class Store<S extends object> {
  private listeners = new Set<(state: S, previous: S) => void>();

  constructor(private current: S) {}

  get state(): S {
    return this.current;
  }

  update(change: Partial<S> | ((state: S) => Partial<S>)): void {
    const previous = this.current;
    const patch = typeof change === 'function' ? change(previous) : change;
    if (Object.keys(patch).every((key) => Object.is(previous[key as keyof S], patch[key as keyof S]))) return;
    this.current = { ...previous, ...patch };
    for (const listener of [...this.listeners]) listener(this.current, previous);
  }

  subscribe(listener: (state: S, previous: S) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
