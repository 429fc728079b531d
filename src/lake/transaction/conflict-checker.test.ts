/**
 * The conflict rules on hand-made winning commits: which losers must fail with which
 * rule, and which may retry (a blind append racing any rewrite; a reader whose data the
 * winner did not touch; winning commits from other writers that put commitInfo last).
 */
import { describe, expect, it } from 'vitest';
import type { Action, AddFile } from '../log/actions.js';
import { checkConflicts, type TransactionFootprint } from './conflict-checker.js';
import { CommitConflictError, ConflictRule } from '../errors.js';
import { fileKey } from '../log/log-replay.js';

const root = 'file:///tmp/table';

const file = (path: string, partition: Record<string, string> = {}, dataChange = true): AddFile => ({
  path,
  partitionValues: partition,
  size: 10,
  modificationTime: 0,
  dataChange,
});
const add = (path: string, partition: Record<string, string> = {}, dataChange = true): Action => ({
  kind: 'add',
  add: file(path, partition, dataChange),
});
const remove = (path: string, dataChange = true): Action => ({ kind: 'remove', remove: { path, dataChange } });
const commitInfo = (operation: string, isBlindAppend?: boolean): Action => ({
  kind: 'commitInfo',
  commitInfo: { operation, ...(isBlindAppend === undefined ? {} : { isBlindAppend }) },
});
const key = (path: string) => fileKey({ path }, root);

const blindAppend: TransactionFootprint = {
  isolationLevel: 'WriteSerializable',
  readsData: false,
  readFileKeys: new Set(),
  removedFileKeys: new Set(),
  appIds: new Set(),
};

/** An UPDATE/DELETE/MERGE that read `a` and `b` and rewrites `a`. */
const rewrite = (overrides: Partial<TransactionFootprint> = {}): TransactionFootprint => ({
  isolationLevel: 'WriteSerializable',
  readsData: true,
  readFileKeys: new Set([key('a.parquet'), key('b.parquet')]),
  removedFileKeys: new Set([key('a.parquet')]),
  appIds: new Set(),
  ...overrides,
});

function conflict(footprint: TransactionFootprint, winning: Action[]): string | undefined {
  try {
    checkConflicts(footprint, 7, winning, root);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CommitConflictError);
    expect((error as CommitConflictError).winningVersion).toBe(7);
    return (error as CommitConflictError).rule;
  }
}

describe('checkConflicts', () => {
  it.each([
    ['UPDATE', [commitInfo('UPDATE', false), remove('a.parquet'), add('a2.parquet')]],
    ['MERGE', [commitInfo('MERGE', false), remove('b.parquet'), add('b2.parquet'), add('new.parquet')]],
    ['DELETE', [commitInfo('DELETE', false), remove('a.parquet')]],
    ['replaceWhere', [commitInfo('WRITE', false), remove('a.parquet'), remove('b.parquet'), add('c.parquet')]],
    ['OPTIMIZE', [commitInfo('OPTIMIZE', false), remove('a.parquet', false), add('ab.parquet', {}, false)]],
    ['another append', [commitInfo('WRITE', true), add('x.parquet')]],
  ])('a blind append racing a concurrent %s retries', (_, winning) => {
    expect(conflict(blindAppend, winning)).toBeUndefined();
  });

  it('fails on a protocol or metadata change, before any other rule', () => {
    const protocol: Action = { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
    const metaData = { kind: 'metaData', metaData: {} } as unknown as Action;
    expect(conflict(blindAppend, [commitInfo('SET TBLPROPERTIES'), remove('a.parquet'), protocol])).toBe(
      ConflictRule.protocolChanged,
    );
    expect(conflict(blindAppend, [metaData])).toBe(ConflictRule.metadataChanged);
    expect(conflict(rewrite(), [remove('a.parquet'), metaData])).toBe(ConflictRule.metadataChanged);
  });

  it('fails a reader when the winner adds data into what it read', () => {
    const winning = [commitInfo('UPDATE', false), add('z.parquet', { p: '1' })];
    expect(conflict(rewrite(), winning)).toBe(ConflictRule.concurrentAppend);
    const outside = rewrite({ readPredicate: (f) => f.partitionValues.p === '2' });
    expect(conflict(outside, winning)).toBeUndefined();
    const inside = rewrite({ readPredicate: (f) => f.partitionValues.p === '1' });
    expect(conflict(inside, winning)).toBe(ConflictRule.concurrentAppend);
  });

  it('ignores adds without dataChange, and blind appends under WriteSerializable only', () => {
    expect(conflict(rewrite(), [add('z.parquet', {}, false)])).toBeUndefined();
    const append = [commitInfo('WRITE', true), add('z.parquet')];
    expect(conflict(rewrite(), append)).toBeUndefined();
    expect(conflict(rewrite({ isolationLevel: 'Serializable' }), append)).toBe(ConflictRule.concurrentAppend);
    // Not a blind append (or not said to be one): its adds count.
    expect(conflict(rewrite(), [commitInfo('WRITE', false), add('z.parquet')])).toBe(ConflictRule.concurrentAppend);
    expect(conflict(rewrite(), [add('z.parquet')])).toBe(ConflictRule.concurrentAppend);
  });

  it('reads commitInfo wherever it is in the winning commit (other writers do not put it first)', () => {
    const append = [add('z.parquet'), add('y.parquet'), commitInfo('WRITE', true)];
    expect(conflict(rewrite(), append)).toBeUndefined();
    const notBlind = [add('z.parquet'), commitInfo('WRITE', false)];
    expect(conflict(rewrite(), notBlind)).toBe(ConflictRule.concurrentAppend);
  });

  it('fails when the winner removed a file the loser read or removes, compaction included', () => {
    expect(conflict(rewrite(), [remove('b.parquet')])).toBe(ConflictRule.concurrentDeleteRead);
    expect(conflict(rewrite(), [remove('b.parquet', false), add('b2.parquet', {}, false)])).toBe(
      ConflictRule.concurrentDeleteRead,
    );
    const removesOnly = rewrite({ readFileKeys: new Set() });
    expect(conflict(removesOnly, [remove('a.parquet')])).toBe(ConflictRule.concurrentDeleteDelete);
    expect(conflict(removesOnly, [remove('b.parquet')])).toBeUndefined();
    expect(conflict(rewrite(), [remove('c.parquet')])).toBeUndefined();
    // Paths match as the log replay keys them (relative or absolute).
    expect(conflict(rewrite(), [remove(`${root}/b.parquet`)])).toBe(ConflictRule.concurrentDeleteRead);
  });

  it('fails a transaction whose application id the winner also wrote', () => {
    const txn: Action = { kind: 'txn', txn: { appId: 'stream-1', version: 4 } };
    expect(conflict({ ...blindAppend, appIds: new Set(['stream-1']) }, [txn])).toBe(ConflictRule.concurrentTransaction);
    expect(conflict({ ...blindAppend, appIds: new Set(['stream-2']) }, [txn])).toBeUndefined();
  });

  it('names the file and the rule in the error', () => {
    expect(() => checkConflicts(rewrite(), 3, [remove('b.parquet')], root)).toThrow(
      /concurrent-delete-read.*version 3.*b\.parquet/,
    );
    expect(() => checkConflicts(rewrite(), 3, [add('q.parquet')], root)).toThrow(/q\.parquet/);
  });

  it('says what to do next and carries the file or application id in its details', () => {
    const caught = (footprint: TransactionFootprint, winning: Action[]) => {
      try {
        checkConflicts(footprint, 2, winning, root);
      } catch (error) {
        return error as CommitConflictError;
      }
      throw new Error('expected a conflict');
    };
    const protocol = caught(blindAppend, [
      { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    ]);
    expect(protocol.message).toMatch(/protocol of the table changed; re-read the table and retry/);
    const metadata = caught(blindAppend, [{ kind: 'metaData', metaData: {} } as unknown as Action]);
    expect(metadata.message).toMatch(/metadata \(schema, partitioning or properties\) changed; re-read/);
    const append = caught(rewrite(), [add('z.parquet')]);
    expect(append.message).toMatch(/added z\.parquet to data this transaction read; retry/);
    expect(append.details).toMatchObject({ path: 'z.parquet' });
    const read = caught(rewrite(), [remove('b.parquet')]);
    expect(read.message).toMatch(/removed b\.parquet, which this transaction read; retry/);
    expect(read.details).toMatchObject({ path: 'b.parquet' });
    const both = caught(rewrite({ readFileKeys: new Set() }), [remove('a.parquet')]);
    expect(both.message).toMatch(/also removed a\.parquet; retry/);
    expect(both.details).toMatchObject({ path: 'a.parquet' });
    const txn = caught({ ...blindAppend, appIds: new Set(['app']) }, [
      { kind: 'txn', txn: { appId: 'app', version: 9 } },
    ]);
    expect(txn.message).toMatch(/application id "app" \(version 9\)/);
    expect(txn.details).toMatchObject({ appId: 'app' });
  });
});
