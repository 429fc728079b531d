/**
 * The prediction log's batching on a real Delta table: a batch by size, a batch by
 * interval, everything on close; a failed commit keeps its rows for the next one; past
 * maxBufferedRows the oldest rows are dropped and counted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DeltaTable } from '../../lake/index.js';
import { PredictionLog, type PredictionRecord } from './prediction-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-prediction-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (i: number): PredictionRecord => ({
  requestId: `r${i}`,
  model: 'm',
  version: 1,
  row: 0,
  inputs: { x: i },
  output: i / 10,
  latencyMs: 0.1,
  time: Date.UTC(2026, 0, 1) + i,
});
const rowsOf = async (location: string) =>
  (await DeltaTable.exists(location)) ? (await DeltaTable.open(location)).rows() : [];

it('commits by size, by interval and on close', async () => {
  const location = path.join(dir, 'log');
  const log = new PredictionLog(location, { flushRows: 3, flushIntervalMs: 100 });
  log.append([record(0), record(1)]);
  expect(await rowsOf(location)).toHaveLength(0); // below the batch size: buffered
  log.append([record(2)]);
  await log.flush(); // waits for the size-triggered commit
  expect(await rowsOf(location)).toHaveLength(3);
  log.append([record(3)]);
  for (let wait = 0; wait < 200 && (await rowsOf(location)).length < 4; wait++)
    await new Promise((r) => setTimeout(r, 20));
  expect(await rowsOf(location)).toHaveLength(4); // the interval committed the lone row
  log.append([record(4)]);
  await log.close();
  const rows = await rowsOf(location);
  expect(rows.map((r) => r.request_id).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  expect(rows.find((r) => r.request_id === 'r4')).toMatchObject({ model: 'm', version: 1, prediction: 0.4 });
  expect(log.committed).toBe(5);
});

it('keeps the rows of a failed commit and bounds the buffer', async () => {
  const blocked = path.join(dir, 'blocked');
  writeFileSync(blocked, 'a file where the table directory should be');
  const errors: unknown[] = [];
  const log = new PredictionLog(path.join(blocked, 'log'), {
    flushRows: 1000,
    maxBufferedRows: 4,
    onError: (error) => errors.push(error),
  });
  log.append([record(0), record(1), record(2)]);
  await log.flush();
  expect(errors).toHaveLength(1);
  expect(log.committed).toBe(0);
  log.append([record(3), record(4), record(5)]); // 6 buffered > 4: the two oldest go
  expect(log.dropped).toBe(2);
});
