/**
 * A table topic's source: watches the table's next commit file. A poll is one `head` of
 * `_delta_log/<version + 1>.json` (commits are contiguous, so its absence means nothing
 * new), and each new version is read once and published with the version as its id.
 */
import type { Catalog } from '../../catalog/index.js';
import { openStore, type ObjectStore } from '../../storage/index.js';
import { commitKey, feedStateAt, readCommit, type FeedState } from './commit-reader.js';
import type { ReplayedEvent, SourceSink, TopicSource } from './topic-source.js';

export interface TableSourceOptions {
  readonly catalog: Catalog;
  readonly table: string;
  readonly sink: SourceSink;
  readonly maxChangeRows: number;
  /** Counts commit reads (the hub's stats: one per version, however many listeners). */
  readonly onRead: () => void;
}

/** Versions read in one poll at most; a backlog is worked through on the next polls. */
const MAX_VERSIONS_PER_POLL = 64;

export class TableSource implements TopicSource {
  #location = '';
  #store: ObjectStore | undefined;
  #version = -1;
  #feed: FeedState | undefined;

  constructor(private readonly options: TableSourceOptions) {}

  async start(): Promise<void> {
    const table = await this.options.catalog.getTable(this.options.table);
    this.#location = table.location;
    this.#store = openStore(table.location);
    const { version, feed } = await feedStateAt(table.location);
    this.#version = version;
    this.#feed = feed;
  }

  position(): number {
    return this.#version;
  }

  async poll(): Promise<void> {
    for (let i = 0; i < MAX_VERSIONS_PER_POLL; i++) {
      const next = this.#version + 1;
      const head = await this.#store!.head(commitKey(next));
      if (head === undefined) return;
      const data = await readCommit({
        table: this.options.table,
        location: this.#location,
        version: next,
        feed: this.#feed!,
        maxChangeRows: this.options.maxChangeRows,
        modifiedAt: head.lastModified,
      });
      this.options.onRead();
      this.#version = next;
      this.options.sink.emit('commit', data, next);
    }
  }

  /** Re-reads versions from the log for a listener resuming past the retained events. */
  async replay(afterSeq: number, upTo: number, limit: number): Promise<ReplayedEvent[]> {
    const first = Math.max(0, afterSeq + 1, upTo - limit + 1);
    if (first > upTo) return [];
    // Is the change data feed on? As of the version before the first replayed one (version 0 sets its own).
    const { feed } = await feedStateAt(this.#location, Math.max(0, first - 1));
    const out: ReplayedEvent[] = [];
    for (let version = first; version <= upTo; version++) {
      const data = await readCommit({
        table: this.options.table,
        location: this.#location,
        version,
        feed,
        maxChangeRows: this.options.maxChangeRows,
      });
      out.push({ type: 'commit', data, seq: version });
    }
    return out;
  }
}
