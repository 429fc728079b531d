/**
 * One connection, one holder at a time: a FIFO gate. A Kysely transaction holds it from
 * BEGIN to COMMIT, so no other query slips into the transaction. Code inside `scope`
 * (one transaction) that asks for the connection again would wait for itself forever;
 * it gets MetaNestedAccessError instead. Used by the PGlite driver (one backend) and by
 * the proxy driver (one remote connection at a time per process).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MetaNestedAccessError } from './errors.js';

interface Scope {
  readonly gate: ConnectionGate;
  acquired: boolean;
}

const scopes = new AsyncLocalStorage<readonly Scope[]>();

export class ConnectionGate {
  private tail: Promise<void> = Promise.resolve();
  private held: (() => void) | undefined;

  constructor(private readonly target: string) {}

  /** Waits for the connection; fails fast when the current transaction scope already holds it. */
  async acquire(): Promise<void> {
    const scope = scopes.getStore()?.find((s) => s.gate === this);
    if (scope) {
      if (scope.acquired) throw new MetaNestedAccessError(this.target);
      scope.acquired = true;
    }
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.held = release;
  }

  release(): void {
    const release = this.held;
    this.held = undefined;
    release?.();
  }

  /** Runs `fn` (which opens one transaction) so that any other use of this gate inside it fails fast. */
  scope<T>(fn: () => Promise<T>): Promise<T> {
    const outer = scopes.getStore() ?? [];
    if (outer.some((s) => s.gate === this)) return Promise.reject(new MetaNestedAccessError(this.target));
    return scopes.run([...outer, { gate: this, acquired: false }], fn);
  }

  /** Runs `fn` outside every transaction scope (work done on behalf of another process). */
  static detached<T>(fn: () => T): T {
    return scopes.exit(fn);
  }
}
