/**
 * Redaction of credentials from anything that can carry text the service (or a credential
 * provider) sent back: messages, request ids, codes, headers, URLs, revised prompts, reports and
 * `--json` output. A service can echo a key in any header, so no field is trusted to be clean.
 * Besides the secrets it was told about, anything shaped like a JWT (an Entra token) is replaced.
 */
import { FoundryError } from './errors';

export const REDACTED = '***';

/** Shorter strings are not treated as secrets: replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 8;
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w.-]*/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret (and its URL-encoded form, as it would appear in a URL). */
  add(secret: string | undefined): void {
    const value = secret?.trim();
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.secrets.add(encoded);
  }

  /** `text` with every known secret and every JWT-shaped token replaced by ***. */
  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out.replace(JWT, REDACTED);
  }

  /** A deep copy of plain data (strings, arrays, plain objects) with every string redacted, keys included. */
  value<T>(value: T): T {
    return redactValue(value, this, 0) as T;
  }

  /** The error with every field that can carry service text redacted (the same object when clean). */
  error(error: FoundryError): FoundryError {
    const message = this.text(error.message);
    const requestId = error.requestId === undefined ? undefined : this.text(error.requestId);
    const code = error.code === undefined ? undefined : this.text(error.code);
    const param = error.param === undefined ? undefined : this.text(error.param);
    const categories = error.categories?.map((c) => this.text(c));
    const problems = error.problems?.map((p) => ({ param: this.text(p.param), message: this.text(p.message) }));
    const changed =
      message !== error.message ||
      requestId !== error.requestId ||
      code !== error.code ||
      param !== error.param ||
      categories?.some((c, i) => c !== error.categories?.[i]) === true ||
      problems?.some((p, i) => p.message !== error.problems?.[i]?.message || p.param !== error.problems?.[i]?.param) === true;
    // The cause (the raw failure underneath) may quote the secret too: a redacted copy drops it.
    return changed ? error.copy({ message, requestId, code, param, categories, problems, cause: undefined }) : error;
  }
}

function redactValue(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.text(value);
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (value instanceof FoundryError) return redactor.error(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value; // bytes, dates, class instances
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[redactor.text(key)] = redactValue(item, redactor, depth + 1);
  return out;
}
