import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from './store';

/** Re-renders a Lit element when the part of the store it selects changes. */
export class StoreController<S extends object, T> implements ReactiveController {
  private unsubscribe: (() => void) | undefined;
  value: T;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: Store<S>,
    private readonly select: (state: S) => T,
  ) {
    this.value = select(store.state);
    host.addController(this);
  }

  hostConnected(): void {
    this.value = this.select(this.store.state);
    this.unsubscribe = this.store.subscribe((state) => {
      const next = this.select(state);
      if (Object.is(next, this.value)) return;
      this.value = next;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
