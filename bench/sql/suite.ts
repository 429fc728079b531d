/**
 * The sql suite: the figures issue 3 asks of the SQL engine over the lake (scan overhead
 * against DuckDB on the same files, data skipping, DML against a full rewrite, Z-order).
 * The scan and DML scenarios share one 10M-row table (base-table.ts), built once.
 */
import type { Suite } from '../harness.js';
import { deleteOnePercent, mergeUpsert } from './dml.js';
import { scanOverhead } from './scan-overhead.js';
import { skipping } from './skipping.js';
import { zorder } from './zorder.js';

export const sqlSuite: Suite = {
  name: 'sql',
  scenarios: [scanOverhead, skipping, mergeUpsert, deleteOnePercent, zorder],
};
