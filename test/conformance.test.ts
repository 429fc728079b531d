/**
 * Delta conformance: every case in ../shared/conformance/delta-golden is held to its
 * README. Cases with `expected/` must read back exactly those rows (as a multiset);
 * the others have the behaviour named in REQUIREMENTS. A case that is neither fails
 * the suite, so a new case cannot be skipped silently.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/index.js';
import { GOLDEN } from './support/golden-tables.js';
import {
  LogGapError,
  MissingActionError,
  NotADeltaTableError,
  UnsupportedProtocolError,
  bindScan,
  loadSnapshot,
  quoteIdent,
  withConnection,
  duckdbType,
  readRows,
} from '../src/lake/index.js';

type Requirement =
  | { kind: 'loads'; version?: number; checkpointVersion?: number }
  | { kind: 'refused'; error: new (...args: never[]) => Error; mentions: RegExp };

const REQUIREMENTS: Record<string, Requirement> = {
  checkpoint: { kind: 'loads', version: 14, checkpointVersion: 10 },
  'canonicalized-paths-normal-a': { kind: 'loads' },
  'canonicalized-paths-normal-b': { kind: 'loads' },
  'canonicalized-paths-special-a': { kind: 'loads' },
  'canonicalized-paths-special-b': { kind: 'loads' },
  'data-reader-absolute-paths-escaped-chars': { kind: 'loads' },
  'delete-re-add-same-file-different-transactions': { kind: 'loads' },
  'log-replay-special-characters-b': { kind: 'loads' },
  'deltalog-commit-info': { kind: 'loads' },
  'update-deleted-directory': { kind: 'loads' },
  'deltalog-invalid-protocol-version': {
    kind: 'refused',
    error: UnsupportedProtocolError,
    mentions: /reader version 99/,
  },
  'deltalog-state-reconstruction-from-checkpoint-missing-metadata': {
    kind: 'refused',
    error: MissingActionError,
    mentions: /metaData/,
  },
  'deltalog-state-reconstruction-from-checkpoint-missing-protocol': {
    kind: 'refused',
    error: MissingActionError,
    mentions: /protocol/,
  },
  'deltalog-state-reconstruction-without-metadata': {
    kind: 'refused',
    error: MissingActionError,
    mentions: /metaData/,
  },
  'deltalog-state-reconstruction-without-protocol': {
    kind: 'refused',
    error: MissingActionError,
    mentions: /protocol/,
  },
  'no-delta-log-folder': { kind: 'refused', error: NotADeltaTableError, mentions: /not a Delta table/ },
  'versions-not-contiguous': { kind: 'refused', error: LogGapError, mentions: /version 1/ },
};

/**
 * Read options a case needs. Partition timestamps without a zone are wall-clock time
 * in the writer's session zone (the protocol leaves it open); these golden tables were
 * written by Spark in America/Los_Angeles, as their expected/ rows show.
 */
const READ_OPTIONS: Record<string, { partitionTimeZone: string }> = {
  'data-reader-partition-values': { partitionTimeZone: 'America/Los_Angeles' },
};

/** Cases this implementation cannot pass yet, each with its reason. Keep empty. */
const KNOWN_GAPS: Record<string, string> = {};

const cases = readdirSync(GOLDEN, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Opens and reads a case's table; a refusal may come at load or when the rows are read. */
async function openAndRead(table: string) {
  const snapshot = await loadSnapshot(openStore(table));
  await readRows(snapshot);
  return snapshot;
}

describe('Delta golden tables', () => {
  it('finds the conformance cases', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const name of cases) {
    const dir = path.join(GOLDEN, name);
    const table = path.join(dir, 'delta');
    const expected = path.join(dir, 'expected');
    const gap = KNOWN_GAPS[name];
    if (gap) {
      it.fails(`${name} (known gap: ${gap})`, () => openAndRead(table));
      continue;
    }
    if (existsSync(expected)) {
      it(`${name}: rows equal expected/`, async () => {
        const snapshot = await loadSnapshot(openStore(table));
        await expectRowsEqualExpected(snapshot, expected, READ_OPTIONS[name] ?? {});
      });
      continue;
    }
    const requirement = REQUIREMENTS[name];
    if (!requirement) {
      it(`${name}: is classified`, () => {
        throw new Error(`Conformance case ${name} has no expected/ and no requirement in REQUIREMENTS; classify it.`);
      });
      continue;
    }
    if (requirement.kind === 'refused') {
      it(`${name}: refused with ${requirement.error.name}`, async () => {
        const failure = openAndRead(table);
        await expect(failure).rejects.toBeInstanceOf(requirement.error);
        await expect(failure).rejects.toThrow(requirement.mentions);
      });
      continue;
    }
    it(`${name}: snapshot loads with the replayed file list`, async () => {
      const snapshot = await loadSnapshot(openStore(table));
      if (requirement.version !== undefined) expect(snapshot.version).toBe(requirement.version);
      if (requirement.checkpointVersion !== undefined)
        expect(snapshot.segment.checkpoint?.version).toBe(requirement.checkpointVersion);
      expect(snapshot.files.map((f) => f.path).sort()).toEqual(
        (await replayFileListNaively(table, snapshot.version)).sort(),
      );
    });
  }
});

/**
 * An independent, simple replay of the JSON commits (no checkpoints) used to check the
 * file lists of the "loads" cases: paths decoded, absolute forms normalized.
 */
async function replayFileListNaively(table: string, version: number): Promise<string[]> {
  const { readFileSync } = await import('node:fs');
  const logDir = path.join(table, '_delta_log');
  const live = new Map<string, string>();
  const root = `file://${table}`;
  const norm = (p: string) =>
    decodeURIComponent(
      /^[a-z]+:/i.test(p)
        ? p.replace(/^file:\/(?!\/)/, 'file:///')
        : p.startsWith('/')
          ? `file://${p}`
          : `${root}/${p}`,
    );
  const commits = readdirSync(logDir)
    .filter((f) => /^\d{20}\.json$/.test(f))
    .sort();
  const hasCheckpoint = readdirSync(logDir).some((f) => f.includes('.checkpoint.'));
  if (hasCheckpoint && commits.length < version + 1)
    return (await loadSnapshot(openStore(table))).files.map((f) => f.path);
  for (const file of commits) {
    if (Number(file.slice(0, 20)) > version) break;
    for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const action = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (action.add) live.set(norm(action.add.path), action.add.path);
      if (action.remove) live.delete(norm(action.remove.path));
    }
  }
  return [...live.values()];
}

async function expectRowsEqualExpected(
  snapshot: Awaited<ReturnType<typeof loadSnapshot>>,
  expectedDir: string,
  options: { partitionTimeZone?: string },
): Promise<void> {
  await withConnection(async (connection) => {
    const scan = await bindScan(connection, snapshot, options);
    try {
      const files = readdirSync(expectedDir)
        .filter((f) => f.endsWith('.parquet'))
        .map((f) => `'${path.join(expectedDir, f)}'`);
      const expectedSource = `read_parquet([${files.join(', ')}], union_by_name = true)`;
      const expectedColumns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${expectedSource}`))
        .getRowObjectsJson()
        .map((r) => String(r.column_name));
      const actualColumns = snapshot.schema.fields.map((f) => f.name);
      expect([...actualColumns].sort()).toEqual([...expectedColumns].sort());
      const select = actualColumns.map(quoteIdent).join(', ');
      const typed = snapshot.schema.fields
        .map((f) => `CAST(${quoteIdent(f.name)} AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`)
        .join(', ');
      const actual = `SELECT ${select} FROM ${quoteIdent(scan.view)}`;
      const wanted = `SELECT ${typed} FROM ${expectedSource}`;
      const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowsJson()[0]![0]);
      const [actualCount, wantedCount, missing, extra] = await Promise.all([
        count(`SELECT count(*) FROM (${actual})`),
        count(`SELECT count(*) FROM (${wanted})`),
        count(`SELECT count(*) FROM (${wanted} EXCEPT ALL ${actual})`),
        count(`SELECT count(*) FROM (${actual} EXCEPT ALL ${wanted})`),
      ]);
      expect({ actualCount, missing, extra }).toEqual({ actualCount: wantedCount, missing: 0, extra: 0 });
    } finally {
      await scan.release();
    }
  });
}
