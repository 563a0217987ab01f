/**
 * One resolver for references between tokens, whatever their syntax: DTCG and DESIGN.md aliases
 * (`{color.primary}`), JSON pointers (`$ref`) and CSS `var(--x)`. It follows chains, finds cycles
 * (every member of a cycle fails, as the DTCG format requires) and says why a token has no value.
 */

export type ReferenceFailureKind = 'missing' | 'group' | 'cycle';

export interface ReferenceFailure {
  readonly kind: ReferenceFailureKind;
  /** The token that failed, then each reference followed from it, ending at the one that failed. */
  readonly path: readonly string[];
  /** For a cycle: its members, in the order they refer to each other. */
  readonly cycle?: readonly string[];
}

export type Resolution<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly failure: ReferenceFailure };

export interface ReferenceGraph<V> {
  /** The token's own value, `'group'` when the name is a group rather than a token, else undefined. */
  lookup(name: string): { readonly value: V } | 'group' | undefined;
  /** Replaces the references inside `value` through `ref`, which answers undefined for one that failed. */
  expand(value: V, ref: (name: string) => V | undefined): V;
}

export class ReferenceResolver<V> {
  private readonly memo = new Map<string, Resolution<V>>();
  private readonly stack: string[] = [];

  constructor(private readonly graph: ReferenceGraph<V>) {}

  resolve(name: string): Resolution<V> {
    const known = this.memo.get(name);
    if (known) return known;
    const onStack = this.stack.indexOf(name);
    if (onStack >= 0) return { ok: false, failure: { kind: 'cycle', path: [name], cycle: this.stack.slice(onStack) } };
    const entry = this.graph.lookup(name);
    if (entry === undefined || entry === 'group') {
      const result: Resolution<V> = { ok: false, failure: { kind: entry === 'group' ? 'group' : 'missing', path: [name] } };
      this.memo.set(name, result);
      return result;
    }
    this.stack.push(name);
    let failure: ReferenceFailure | undefined;
    const value = this.graph.expand(entry.value, (ref) => {
      const inner = this.resolve(ref);
      if (inner.ok) return inner.value;
      failure ??= { ...inner.failure, path: [name, ...inner.failure.path] };
      return undefined;
    });
    this.stack.pop();
    const result: Resolution<V> = failure ? { ok: false, failure } : { ok: true, value };
    this.memo.set(name, result);
    return result;
  }
}

/**
 * Why a token has no value, in words: `{color.brand} refers to color.missing, which does not exist`.
 * `subject` spells the token the message is about, `name` the others.
 */
export function describeFailure(failure: ReferenceFailure, subject: (name: string) => string, name: (name: string) => string = (n) => n): string {
  const [first = '', ...followed] = failure.path;
  // Into a cycle: stop the chain at its first member, the cycle itself is spelled out once.
  const entry = failure.kind === 'cycle' ? followed.findIndex((n) => failure.cycle?.includes(n)) : -1;
  const rest = entry >= 0 ? followed.slice(0, entry + 1) : followed;
  const cycleText = (start: string): string => {
    const cycle = failure.cycle ?? [];
    const at = Math.max(0, cycle.indexOf(start));
    const ordered = [...cycle.slice(at), ...cycle.slice(0, at)];
    return [...ordered, ordered[0] ?? start].map(name).join(' → ');
  };
  if (failure.kind === 'cycle' && failure.cycle?.includes(first)) {
    return `${subject(first)} is part of a circular reference (${cycleText(first)}), so none of these tokens has a value`;
  }
  const chain = rest.map(name).join(', which refers to ');
  const last = rest[rest.length - 1] ?? first;
  const ending =
    failure.kind === 'missing'
      ? 'which does not exist'
      : failure.kind === 'group'
        ? 'which is a group, not a token: refer to one of its tokens'
        : `which is part of a circular reference (${cycleText(last)})`;
  return `${subject(first)} refers to ${chain}, ${ending}`;
}
