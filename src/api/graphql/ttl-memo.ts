/**
 * A promise memo with a time to live: concurrent and repeated callers within `ttlMs`
 * share one computation (so 20,000 subscriptions opening at once check the catalog
 * once), and a failed computation is forgotten at once.
 */
export class TtlMemo<T> {
  readonly #entries = new Map<string, { readonly expires: number; readonly value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expires > now) return entry.value;
    const value = compute();
    this.#entries.set(key, { expires: now + this.ttlMs, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    if (this.#entries.size > this.maxEntries) {
      for (const [k, e] of this.#entries)
        if (e.expires <= now || this.#entries.size > this.maxEntries) this.#entries.delete(k);
    }
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
