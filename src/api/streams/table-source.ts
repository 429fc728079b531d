/**
 * A table topic's source: follows the table's commits through the lake's commit-tail
 * reader. A poll with nothing new costs one existence check of the next commit, and
 * each new version is read once and published with the version as its id.
 */
import type { Catalog } from '../../catalog/index.js';
import { readCommitsAfter } from '../../lake/index.js';
import { feedStateAt, readCommit, type FeedState } from './commit-reader.js';
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
  #version = -1;
  #feed: FeedState | undefined;

  constructor(private readonly options: TableSourceOptions) {}

  async start(): Promise<void> {
    const table = await this.options.catalog.getTable(this.options.table);
    this.#location = table.location;
    const { version, feed } = await feedStateAt(table.location);
    this.#version = version;
    this.#feed = feed;
  }

  position(): number {
    return this.#version;
  }

  async poll(): Promise<void> {
    const commits = await readCommitsAfter(this.#location, this.#version, { limit: MAX_VERSIONS_PER_POLL });
    for (const commit of commits) {
      const data = await readCommit({
        table: this.options.table,
        location: this.#location,
        commit,
        feed: this.#feed!,
        maxChangeRows: this.options.maxChangeRows,
      });
      this.options.onRead();
      this.#version = commit.version;
      this.options.sink.emit('commit', data, commit.version);
    }
  }

  /** Re-reads versions from the log for a listener resuming past the retained events. */
  async replay(afterSeq: number, upTo: number, limit: number): Promise<ReplayedEvent[]> {
    const first = Math.max(0, afterSeq + 1, upTo - limit + 1);
    if (first > upTo) return [];
    // Is the change data feed on? As of the version before the first replayed one (version 0 sets its own).
    const { feed } = await feedStateAt(this.#location, Math.max(0, first - 1));
    const out: ReplayedEvent[] = [];
    for (const commit of await readCommitsAfter(this.#location, first - 1, { upTo })) {
      const data = await readCommit({
        table: this.options.table,
        location: this.#location,
        commit,
        feed,
        maxChangeRows: this.options.maxChangeRows,
      });
      out.push({ type: 'commit', data, seq: commit.version });
    }
    return out;
  }
}
