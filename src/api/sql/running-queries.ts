/**
 * The queries `/v1/sql` is running, by id, so their owner can cancel them. The client
 * names its query (header `x-strata-query-id`, e.g. a UUID it made) or the server
 * makes an id and sends it back in the same header before the result. Only the
 * principal that started a query can cancel it: to anyone else the id does not exist.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Principal } from '../../catalog/index.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

interface Running {
  readonly controller: AbortController;
}

/** One running query's handle: its id, the signal that cancels it, and `done()` to forget it. */
export interface QueryHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  /** Cancels the query (e.g. its client went away); harmless once it finished. */
  abort(): void;
  done(): void;
}

export class RunningQueries {
  private readonly running = new Map<string, Running>();

  /** Registers a query under `requested` (validated) or a new id. */
  start(principal: Principal, requested: string | undefined): QueryHandle {
    if (requested !== undefined && !ID_PATTERN.test(requested))
      throw new BadRequestError(
        `Query id "${requested.slice(0, 80)}" must be 1–64 letters, digits, '_' or '-' (a UUID will do).`,
        { queryId: requested.slice(0, 80) },
      );
    const id = requested ?? randomUUID();
    // Keyed by owner too: ids are the clients' own, and one principal's id must never reach another's query.
    const key = `${ownerOf(principal)}\u0000${id}`;
    if (this.running.has(key))
      throw new BadRequestError(`A query with id "${id}" is already running; give each query its own id.`, {
        queryId: id,
      });
    const controller = new AbortController();
    this.running.set(key, { controller });
    return {
      id,
      signal: controller.signal,
      abort: () => controller.abort(),
      done: () => {
        if (this.running.get(key)?.controller === controller) this.running.delete(key);
      },
    };
  }

  /** Cancels the principal's running query `id`; NotFoundError when it has none by that id. */
  cancel(principal: Principal, id: string): void {
    const running = this.running.get(`${ownerOf(principal)}\u0000${id}`);
    if (running === undefined)
      throw new NotFoundError(
        `No running query "${id}" of yours: it finished already, or the id is not one of yours.`,
        {
          queryId: id,
        },
      );
    running.controller.abort();
  }
}

/** Tokens are the unit of ownership; the local admin of `--insecure-local` is one owner. */
function ownerOf(principal: Principal): string {
  return principal.tokenId ?? `local:${principal.name}`;
}
