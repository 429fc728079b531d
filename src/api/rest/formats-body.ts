/** A whole (buffered) row result in the negotiated format. */
import type { SqlColumn } from '../../engine/index.js';
import type { RowFormat } from './formats-negotiation.js';
import { parquetBody } from './formats-parquet.js';
import { csvHeader, csvLines, jsonBody, ndjsonLines, type Row } from './formats-writers.js';

export async function encodeRows(
  format: RowFormat,
  columns: readonly SqlColumn[],
  rows: readonly Row[],
): Promise<Buffer> {
  switch (format) {
    case 'json':
      return jsonBody(columns, rows);
    case 'ndjson':
      return Buffer.from(ndjsonLines(columns, rows));
    case 'csv':
      return Buffer.from(csvHeader(columns) + csvLines(rows));
    case 'parquet':
      return parquetBody(columns, rows);
  }
}
