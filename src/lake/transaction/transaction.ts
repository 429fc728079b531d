/**
 * Optimistic transactions (PROTOCOL.md, "Optimistic Concurrency Control").
 *
 * What a commit guarantees: the actions of one transaction become visible together,
 * as the single file `_delta_log/<version>.json`, created with put-if-absent so that
 * exactly one writer gets each version. A writer that loses the race reads the
 * winning commit, checks it against what it read (conflict-checker.ts), and retries
 * at the next version when nothing it depended on changed; otherwise it fails with a
 * CommitConflictError naming the rule. Nothing is written to the log on failure.
 */
import { randomUUID } from 'node:crypto';
import { ENGINE_INFO } from '../../core/index.js';
import type {
  Action,
  AddCdcFile,
  AddFile,
  CommitInfo,
  DomainMetadata,
  Metadata,
  Protocol,
  RemoveFile,
  Txn,
} from '../log/actions.js';
import { commitText } from '../log/actions.js';
import { checkConflicts, type IsolationLevel, type TransactionFootprint } from './conflict-checker.js';
import { CommitConflictError, ConflictRule, InvalidTableOperationError, TableExistsError } from '../errors.js';
import { commitKey } from '../log/log-files.js';
import { readCommitActions, readLogTail } from '../log/log-tail.js';
import { applyActions, fileKey } from '../log/log-replay.js';
import { assertWritable, isAppendOnly } from '../log/protocol.js';
import { Snapshot, finishSnapshot } from '../log/snapshot.js';

export interface TransactionOptions {
  readonly operation: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly isolationLevel?: IsolationLevel;
  /** Give up after this many lost races without a logical conflict (default 1000). */
  readonly maxAttempts?: number;
}

export interface CommitResult {
  readonly version: number;
  /** The table right after this commit. */
  readonly snapshot: Snapshot;
  /** 1 when the first attempt won. */
  readonly attempts: number;
}

export class Transaction {
  private readonly adds: AddFile[] = [];
  private readonly removes: RemoveFile[] = [];
  private readonly cdcs: AddCdcFile[] = [];
  private readonly txns: Txn[] = [];
  private readonly domains: DomainMetadata[] = [];
  private newMetadata: Metadata | undefined;
  private newProtocol: Protocol | undefined;
  /** Which files a concurrent writer could add into what this transaction read. */
  private readScope: 'nothing' | 'everything' | Array<(file: AddFile) => boolean> = 'nothing';
  private readonly readFileKeys = new Set<string>();
  private operationMetrics: Record<string, string> = {};

  constructor(
    readonly snapshot: Snapshot,
    private readonly options: TransactionOptions,
  ) {}

  addFiles(files: readonly AddFile[]): this {
    this.adds.push(...files);
    return this;
  }

  removeFiles(files: readonly AddFile[], deletionTimestamp = Date.now(), dataChange = true): this {
    for (const file of files) {
      this.removes.push({
        path: file.path,
        deletionTimestamp,
        dataChange,
        extendedFileMetadata: true,
        partitionValues: file.partitionValues,
        size: file.size,
        ...(file.stats ? { stats: file.stats } : {}),
        ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
        ...(file.tags ? { tags: file.tags } : {}),
      });
    }
    return this;
  }

  /** Change data files (`_change_data/`) holding this commit's row-level changes. */
  addCdcFiles(files: readonly AddCdcFile[]): this {
    this.cdcs.push(...files);
    return this;
  }

  /**
   * Records that the transaction's outcome depends on these files and on every file a
   * concurrent writer might add that `predicate` accepts (all, when omitted).
   */
  readFiles(files: readonly AddFile[], predicate?: (file: AddFile) => boolean): this {
    if (!predicate) this.readScope = 'everything';
    else if (this.readScope === 'nothing') this.readScope = [predicate];
    else if (this.readScope !== 'everything') this.readScope.push(predicate);
    for (const file of files) this.readFileKeys.add(fileKey(file, this.snapshot.location));
    return this;
  }

  setMetadata(metadata: Metadata): this {
    this.newMetadata = metadata;
    return this;
  }

  setProtocol(protocol: Protocol): this {
    this.newProtocol = protocol;
    return this;
  }

  /** An idempotency marker: application `appId` has committed its batch `version`. */
  setTxn(appId: string, version: number): this {
    this.txns.push({ appId, version, lastUpdated: Date.now() });
    return this;
  }

  setDomainMetadata(domain: DomainMetadata): this {
    this.domains.push(domain);
    return this;
  }

  setMetrics(metrics: Readonly<Record<string, number | string>>): this {
    this.operationMetrics = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)]));
    return this;
  }

  /** Nothing staged: committing would only record that nothing happened (Delta writers skip such commits). */
  get isEmpty(): boolean {
    return (
      this.adds.length === 0 &&
      this.removes.length === 0 &&
      this.cdcs.length === 0 &&
      this.txns.length === 0 &&
      this.domains.length === 0 &&
      this.newMetadata === undefined &&
      this.newProtocol === undefined
    );
  }

  get isBlindAppend(): boolean {
    return this.readScope === 'nothing' && this.removes.length === 0 && this.adds.every((a) => a.dataChange);
  }

  async commit(): Promise<CommitResult> {
    const snapshot = this.snapshot;
    const protocol = this.newProtocol ?? snapshot.protocol;
    assertWritable(protocol, snapshot.location);
    const metadata = this.newMetadata ?? snapshot.metadata;
    if (isAppendOnly(metadata) && this.removes.some((r) => r.dataChange)) {
      throw new InvalidTableOperationError(
        `${snapshot.location} is append-only (delta.appendOnly=true): this ${this.options.operation} would remove data.`,
        { location: snapshot.location },
      );
    }
    const footprint = this.footprint();
    const maxAttempts = this.options.maxAttempts ?? 1000;
    let version = snapshot.version + 1;
    const state = snapshot.cloneState();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const actions = this.actions();
      const key = commitKey(version);
      if (await snapshot.store.putIfAbsent(key, commitText(actions))) {
        applyActions(state, actions, snapshot.location);
        const commit = { key, size: 0, lastModified: Date.now() };
        const segment = {
          version,
          commits: [commit],
          listing: { commits: new Map([[version, commit]]), checkpoints: [] },
        };
        return { version, snapshot: finishSnapshot(snapshot.store, segment, state), attempts: attempt };
      }
      if (snapshot.version < 0) throw new TableExistsError(snapshot.location);
      // Lost: catch up with every commit made since, checking each against what we read.
      const winners = await this.commitsSince(version);
      for (const [winningVersion, winning] of winners) {
        checkConflicts(footprint, winningVersion, winning, snapshot.location);
        applyActions(state, winning, snapshot.location);
      }
      version += winners.length;
    }
    throw new CommitConflictError(
      ConflictRule.tooManyRetries,
      version - 1,
      `lost the race for ${maxAttempts} versions in a row; the table is too busy, retry later.`,
    );
  }

  /**
   * The commits from `version` on, in order. Listing once and reading the winners in
   * parallel keeps a writer that fell several versions behind from paying a lost
   * put-if-absent per version.
   */
  private async commitsSince(version: number): Promise<Array<[number, Action[]]>> {
    const tail = await readLogTail(this.snapshot.store, version);
    if (tail.commits.length === 0) {
      // Listed before it became visible: the lost put-if-absent says it exists.
      return [[version, await readCommitActions(this.snapshot.store, version)]];
    }
    return tail.commits.map((c) => [c.version, [...c.actions]]);
  }

  private footprint(): TransactionFootprint {
    return {
      isolationLevel: this.options.isolationLevel ?? 'WriteSerializable',
      readsData: this.readScope !== 'nothing',
      ...(Array.isArray(this.readScope) ? { readPredicate: anyOf(this.readScope) } : {}),
      readFileKeys: this.readFileKeys,
      removedFileKeys: new Set(this.removes.map((r) => fileKey(r, this.snapshot.location))),
      appIds: new Set(this.txns.map((t) => t.appId)),
    };
  }

  private actions(): Action[] {
    const commitInfo: CommitInfo = {
      timestamp: Date.now(),
      operation: this.options.operation,
      operationParameters: this.options.operationParameters ?? {},
      ...(this.snapshot.version >= 0 ? { readVersion: this.snapshot.version } : {}),
      isolationLevel: this.options.isolationLevel ?? 'WriteSerializable',
      isBlindAppend: this.isBlindAppend,
      operationMetrics: this.operationMetrics,
      engineInfo: ENGINE_INFO,
      txnId: randomUUID(),
    };
    return [
      { kind: 'commitInfo', commitInfo },
      ...(this.newProtocol ? [{ kind: 'protocol', protocol: this.newProtocol } as const] : []),
      ...(this.newMetadata ? [{ kind: 'metaData', metaData: this.newMetadata } as const] : []),
      ...this.txns.map((txn) => ({ kind: 'txn', txn }) as const),
      ...this.domains.map((domainMetadata) => ({ kind: 'domainMetadata', domainMetadata }) as const),
      ...this.removes.map((remove) => ({ kind: 'remove', remove }) as const),
      ...this.adds.map((add) => ({ kind: 'add', add }) as const),
      ...this.cdcs.map((cdc) => ({ kind: 'cdc', cdc }) as const),
    ];
  }
}

function anyOf(predicates: ReadonlyArray<(file: AddFile) => boolean>): (file: AddFile) => boolean {
  return (file) => predicates.some((p) => p(file));
}
