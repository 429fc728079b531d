/**
 * CSV and NDJSON bodies of `POST /v1/tables/{name}/rows`, checked line by line by the
 * lake's strict readers (the same rules as `strata table append`): a line that does
 * not fit the header or the table's types is a 422 naming the line and column, unless
 * `bad_rows=skip` (left out, counted) or `bad_rows=quarantine` (left out and returned
 * in the response with their line numbers and reasons: the server writes no side file).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkedFileSource, fromFile, type RejectedRow, type StructType } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import type { RowsBody } from './body-parsers.js';
import { checkRows, projectOnto, type StagedRows, type StagingRules } from './body-staging.js';

export const BAD_ROWS_MODES = ['fail', 'skip', 'quarantine'] as const;
export type BodyBadRows = (typeof BAD_ROWS_MODES)[number];

export interface StagedLines extends StagedRows {
  readonly rejected: readonly RejectedRow[];
}

export async function stageLines(
  body: Extract<RowsBody, { kind: 'lines' }>,
  schema: StructType,
  rules: StagingRules,
  badRows: BodyBadRows,
): Promise<StagedLines> {
  const file = path.join(os.tmpdir(), `strata-api-${randomUUID()}.${body.format === 'csv' ? 'csv' : 'jsonl'}`);
  await fs.writeFile(file, body.text);
  const source = await checkedFileSource(
    fromFile(file, body.format === 'csv' ? 'csv' : 'json', {
      // Quarantine over HTTP answers with the rejects; the lake only has to leave them out.
      badRows: badRows === 'fail' ? 'fail' : 'skip',
      name: 'the body',
      nextStep: 'Fix the line, or add bad_rows=skip (or bad_rows=quarantine to get the bad lines back) to the query.',
    }),
    schema,
  ).catch(async (error: unknown) => {
    await fs.rm(file, { force: true });
    throw error;
  });
  const release = async () => {
    await source.release();
    await fs.rm(file, { force: true });
  };
  try {
    const rejected = source.input?.rejected ?? [];
    const sql = await projectOnto(`(${source.sql})`, rules, `The ${body.format.toUpperCase()} body cannot be read`);
    const rowCount = await checkRows(sql, rules.rowFilter, rejected.length > 0);
    if (rowCount === 0 && rejected.length === 0)
      throw new BadRequestError('The body holds no rows; nothing was written.', {});
    return { sql, rowCount, rejected, release };
  } catch (error) {
    await release();
    throw error;
  }
}
