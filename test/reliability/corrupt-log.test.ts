/**
 * A damaged `_delta_log` gives a typed error naming the damaged file (or, for the
 * `_last_checkpoint` hint, which is only an optimization, loads correctly anyway),
 * and a write attempted on a damaged table fails without writing to the log.
 *
 * Every case damages a real table the way disks, partial copies and buggy tools do:
 * truncation mid-line, garbage bytes, a bad checkpoint, a missing commit.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/core/index.js';
import { CorruptLogError, DeltaTable, LogGapError, fromSql } from '../../src/lake/index.js';
import { batchProblems, batchSchema, batchSql, commitFile, countBatches, listTree, logDir } from './helpers/batches.js';
import { seededRandom } from '../support/random.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const pad = (version: number) => String(version).padStart(20, '0');
const commitName = (version: number) => `${pad(version)}.json`;
const checkpointName = (version: number) => `${pad(version)}.checkpoint.parquet`;

/** Versions 0..4: create, then batches 1..4 (one commit each); checkpoints at 2 and 4 when asked. */
async function fourAppends(options: { checkpoints?: boolean } = {}): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'strata-corrupt-'));
  roots.push(root);
  const location = path.join(root, 'table');
  const properties = options.checkpoints ? { 'delta.checkpointInterval': '2' } : { 'delta.checkpointInterval': '1000' };
  const table = await DeltaTable.create(location, { schema: batchSchema, properties });
  for (const batch of [1, 2, 3, 4]) await table.append(fromSql(batchSql(0, batch)));
  const log = readdirSync(logDir(location));
  expect(log.includes(checkpointName(4))).toBe(options.checkpoints === true);
  return location;
}

async function failure(attempt: Promise<unknown>): Promise<unknown> {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail');
}

/** The error is a CorruptLogError whose `file` (and message) name exactly this log file. */
async function expectCorrupt(attempt: Promise<unknown>, location: string, name: string): Promise<CorruptLogError> {
  const error = await failure(attempt);
  expect(error, String(error)).toBeInstanceOf(CorruptLogError);
  const corrupt = error as CorruptLogError;
  expect(corrupt.code).toBe('LAKE_CORRUPT_LOG');
  expect(corrupt.file).toMatch(new RegExp(`/_delta_log/${name.replace(/\./g, '\\.')}$`));
  expect(corrupt.file).toContain(path.basename(location));
  expect(corrupt.message).toContain(name);
  return corrupt;
}

async function batchesAt(location: string, version?: number): Promise<number[]> {
  const table = await DeltaTable.open(location, version === undefined ? {} : { version });
  const counts = await countBatches(table.snapshot);
  expect([...counts].flatMap(([b, c]) => batchProblems(b, c))).toEqual([]);
  return [...counts.keys()].sort((a, b) => a - b);
}

/** Cuts the file inside a line (never at a line boundary, which would still parse). */
function truncateMidLine(file: string, line: 'first' | 'last'): void {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const start = line === 'first' ? 0 : text.length - 1 - lines.at(-1)!.length;
  const cutLength = Math.floor((line === 'first' ? lines[0]! : lines.at(-1)!).length / 2);
  writeFileSync(file, text.slice(0, start + cutLength));
}

describe('a truncated commit', () => {
  it('cut mid-line in the latest commit: CorruptLogError naming it; earlier versions still load', async () => {
    const location = await fourAppends();
    truncateMidLine(commitFile(location, 4), 'last');
    await expectCorrupt(DeltaTable.open(location), location, commitName(4));
    expect(await batchesAt(location, 3)).toEqual([1, 2, 3]);
  });

  it('cut mid-line in a commit in the middle of the log: CorruptLogError naming it', async () => {
    const location = await fourAppends();
    truncateMidLine(commitFile(location, 2), 'first');
    await expectCorrupt(DeltaTable.open(location), location, commitName(2));
    await expectCorrupt(DeltaTable.open(location, { version: 3 }), location, commitName(2));
    expect(await batchesAt(location, 1)).toEqual([1]);
  });
});

describe('a garbage commit', () => {
  it('random bytes: CorruptLogError naming the commit', async () => {
    const location = await fourAppends();
    const random = seededRandom(42);
    writeFileSync(commitFile(location, 3), Buffer.from(Array.from({ length: 300 }, () => Math.floor(random() * 256))));
    await expectCorrupt(DeltaTable.open(location), location, commitName(3));
  });

  it.each([
    ['an array', '[1,2,3]'],
    ['a string', '"add"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('a line that is JSON but %s: CorruptLogError naming the commit', async (_what, line) => {
    const location = await fourAppends();
    const original = readFileSync(commitFile(location, 3), 'utf8');
    writeFileSync(commitFile(location, 3), `${original}${line}\n`);
    await expectCorrupt(DeltaTable.open(location), location, commitName(3));
  });

  // Known bug (see the report): actions are not shape-checked, so a well-formed JSON
  // object holding a malformed action crashes replay with a TypeError that names no
  // file. Remove `.fails` once src/lake validates action shapes.
  it.each([
    ['an add without a path', '{"add":{"partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}'],
    ['an add that is a number', '{"add":5}'],
    ['a remove without a path', '{"remove":{"deletionTimestamp":1,"dataChange":true}}'],
    ['a metaData that is a number', '{"metaData":5}'],
  ])('a well-formed line holding %s: CorruptLogError naming the commit', async (_what, line) => {
    const location = await fourAppends();
    writeFileSync(commitFile(location, 4), `${line}\n`);
    await expectCorrupt(DeltaTable.open(location), location, commitName(4));
  });
});

describe('a corrupt checkpoint', () => {
  const damage: ReadonlyArray<readonly [string, (file: string) => void]> = [
    ['garbage bytes', (file) => writeFileSync(file, 'PAR1 this is not a parquet file at all PAR1')],
    [
      'truncated to half',
      (file) => writeFileSync(file, readFileSync(file).subarray(0, Math.floor(readFileSync(file).length / 2))),
    ],
    ['emptied', (file) => writeFileSync(file, '')],
    [
      'its footer cut off',
      (file) => writeFileSync(file, readFileSync(file).subarray(0, readFileSync(file).length - 12)),
    ],
  ];

  it.each(damage)(
    '%s: CorruptLogError naming the checkpoint (found through _last_checkpoint)',
    async (_what, spoil) => {
      const location = await fourAppends({ checkpoints: true });
      spoil(path.join(logDir(location), checkpointName(4)));
      await expectCorrupt(DeltaTable.open(location), location, checkpointName(4));
    },
  );

  it.each(damage)(
    '%s: CorruptLogError naming the checkpoint (found by listing, no _last_checkpoint)',
    async (_what, spoil) => {
      const location = await fourAppends({ checkpoints: true });
      unlinkSync(path.join(logDir(location), '_last_checkpoint'));
      spoil(path.join(logDir(location), checkpointName(4)));
      await expectCorrupt(DeltaTable.open(location), location, checkpointName(4));
      // Time travel to before the damaged checkpoint uses the older, intact one.
      expect(await batchesAt(location, 3)).toEqual([1, 2, 3]);
    },
  );

  // Known bug (see the report): a readable Parquet file without checkpoint columns
  // (here a data file copied over the checkpoint) yields no actions, and the load fails
  // with MissingActionError, which names the table but not the checkpoint file.
  it('a valid Parquet file that is not a checkpoint: CorruptLogError naming the checkpoint', async () => {
    const location = await fourAppends({ checkpoints: true });
    const dataFile = readdirSync(location).find((n) => n.endsWith('.parquet'))!;
    copyFileSync(path.join(location, dataFile), path.join(logDir(location), checkpointName(4)));
    await expectCorrupt(DeltaTable.open(location), location, checkpointName(4));
  });
});

describe('a corrupt _last_checkpoint falls back to listing the log', () => {
  const hints: ReadonlyArray<readonly [string, string]> = [
    ['garbage', '\u0000\u00ff garbage {{{'],
    ['truncated JSON', '{"version":4,"size":'],
    ['empty', ''],
    ['an empty object', '{}'],
    ['a version as a string', '{"version":"4","size":7}'],
    ['a negative version', '{"version":-1,"size":7}'],
    ['a version without a checkpoint', '{"version":3,"size":7}'],
    ['a version past the end of the log', '{"version":99,"size":7}'],
    ['an older checkpoint', '{"version":2,"size":6}'],
  ];

  it.each(hints)('%s: loads the latest version from the newest checkpoint, and writes go on', async (_what, text) => {
    const location = await fourAppends({ checkpoints: true });
    writeFileSync(path.join(logDir(location), '_last_checkpoint'), text);
    const table = await DeltaTable.open(location);
    expect(table.version).toBe(4);
    expect(table.snapshot.segment.checkpoint?.version).toBe(4);
    expect(await batchesAt(location)).toEqual([1, 2, 3, 4]);
    await table.append(fromSql(batchSql(0, 5)));
    await table.append(fromSql(batchSql(0, 6))); // version 6 checkpoints and rewrites the hint
    expect(await batchesAt(location)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await DeltaTable.open(location)).snapshot.segment.checkpoint?.version).toBe(6);
    // The next checkpoint repairs the hint (for the bogus "past the end" hint see the known bug below).
    if (!text.includes('99'))
      expect(JSON.parse(readFileSync(path.join(logDir(location), '_last_checkpoint'), 'utf8'))).toMatchObject({
        version: 6,
      });
  });

  // Known bug (see the report): checkpoint-writer keeps a hint that names a version
  // past the end of the log ("never move the hint backwards"), so every later load
  // lists the whole log. Remove `.fails` once a hint naming no checkpoint is replaced.
  it('a hint past the end of the log is replaced by the next checkpoint', async () => {
    const location = await fourAppends({ checkpoints: true });
    writeFileSync(path.join(logDir(location), '_last_checkpoint'), '{"version":99,"size":7}');
    const table = await DeltaTable.open(location);
    await table.append(fromSql(batchSql(0, 5)));
    await table.append(fromSql(batchSql(0, 6)));
    expect(JSON.parse(readFileSync(path.join(logDir(location), '_last_checkpoint'), 'utf8'))).toMatchObject({
      version: 6,
    });
  });

  it('a missing _last_checkpoint: same', async () => {
    const location = await fourAppends({ checkpoints: true });
    unlinkSync(path.join(logDir(location), '_last_checkpoint'));
    const table = await DeltaTable.open(location);
    expect([table.version, table.snapshot.segment.checkpoint?.version]).toEqual([4, 4]);
    expect(await batchesAt(location)).toEqual([1, 2, 3, 4]);
  });
});

describe('a missing commit', () => {
  it('in the middle of the log: LogGapError naming the missing version', async () => {
    const location = await fourAppends();
    unlinkSync(commitFile(location, 2));
    const error = await failure(DeltaTable.open(location));
    expect(error, String(error)).toBeInstanceOf(LogGapError);
    expect((error as LogGapError).missingVersion).toBe(2);
    expect((error as LogGapError).code).toBe('LAKE_LOG_GAP');
    expect((error as Error).message).toContain('version 2');
    expect(await batchesAt(location, 1)).toEqual([1]);
    await expect(DeltaTable.open(location, { version: 3 })).rejects.toBeInstanceOf(LogGapError);
  });

  it('the latest commit of a table whose history is intact loads as the previous version (nothing to detect)', async () => {
    const location = await fourAppends();
    unlinkSync(commitFile(location, 4));
    expect(await batchesAt(location)).toEqual([1, 2, 3]);
  });

  it('behind a checkpoint: not needed, the table loads', async () => {
    const location = await fourAppends({ checkpoints: true });
    unlinkSync(commitFile(location, 1));
    expect(await batchesAt(location)).toEqual([1, 2, 3, 4]);
  });
});

describe('a write attempted on a corrupt table', () => {
  const corruptions: ReadonlyArray<readonly [string, boolean, (location: string) => void, string]> = [
    ['a truncated latest commit', false, (l) => truncateMidLine(commitFile(l, 4), 'last'), commitName(4)],
    ['a garbage commit in the middle', false, (l) => writeFileSync(commitFile(l, 2), 'garbage\n'), commitName(2)],
    [
      'a corrupt checkpoint',
      true,
      (l) => writeFileSync(path.join(logDir(l), checkpointName(4)), 'garbage'),
      checkpointName(4),
    ],
    ['a missing commit', false, (l) => unlinkSync(commitFile(l, 2)), ''],
  ];

  it.each(corruptions)(
    'with %s: open, append and appendOrCreate fail typed and write nothing at all',
    async (_what, checkpoints, spoil, name) => {
      const location = await fourAppends({ checkpoints });
      spoil(location);
      const before = listTree(location);
      const attempts = [
        () => DeltaTable.open(location).then((t) => t.append(fromSql(batchSql(0, 9)))),
        () => DeltaTable.appendOrCreate(location, fromSql(batchSql(0, 9))),
        () => DeltaTable.open(location).then((t) => t.overwrite(fromSql(batchSql(0, 9)))),
      ];
      for (const attempt of attempts) {
        if (name) await expectCorrupt(attempt(), location, name);
        else expect(await failure(attempt())).toBeInstanceOf(LogGapError);
      }
      expect(listTree(location)).toEqual(before);
    },
  );

  it('through a handle opened before the damage: the commit fails typed and the log is untouched', async () => {
    const location = await fourAppends();
    const stale = await DeltaTable.open(location, { version: 3 }); // will race for version 4
    truncateMidLine(commitFile(location, 4), 'last');
    const logBefore = listTree(logDir(location));
    const error = await expectCorrupt(stale.append(fromSql(batchSql(0, 9))), location, commitName(4));
    expect(error).toBeInstanceOf(StrataError);
    expect(listTree(logDir(location))).toEqual(logBefore);
    expect(await batchesAt(location, 3)).toEqual([1, 2, 3]);
  });
});
