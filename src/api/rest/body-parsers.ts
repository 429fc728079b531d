/**
 * Request bodies of the row writes: a JSON array (or one object), NDJSON, CSV (with a
 * header line), or a Parquet file. Fastify parses JSON itself; this adds the NDJSON,
 * CSV and Parquet content types (Parquet also as application/octet-stream) to the
 * encapsulated instance of the table routes, under the server's body limit (413 above
 * it). NDJSON and CSV stay text here: the lake's strict readers check them line by
 * line, so a bad line is named by its number (rows-write-routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.js';

export type RowsBody =
  | { readonly kind: 'rows'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'parquet'; readonly bytes: Buffer }
  | { readonly kind: 'lines'; readonly format: 'csv' | 'ndjson'; readonly text: string };

/** A text body in a line format, as the content-type parser leaves it (a class, so no JSON body can pass for one). */
export class LinesBody {
  constructor(
    readonly format: 'csv' | 'ndjson',
    readonly text: string,
  ) {}
}

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];
export const CSV_TYPES = ['text/csv', 'application/csv'];
export const PARQUET_TYPES = [
  'application/vnd.apache.parquet',
  'application/parquet',
  'application/x-parquet',
  'application/octet-stream',
];

export function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, new LinesBody('ndjson', String(body)));
  });
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, new LinesBody('csv', String(body)));
  });
  app.addContentTypeParser(PARQUET_TYPES, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, body);
  });
}

/** The parsed body as rows or Parquet bytes; anything else is a 400. */
export function rowsBodyOf(body: unknown): RowsBody {
  if (Buffer.isBuffer(body)) return { kind: 'parquet', bytes: body };
  if (body instanceof LinesBody) return { kind: 'lines', format: body.format, text: body.text };
  const rows = Array.isArray(body) ? body : isRecord(body) ? [body] : undefined;
  if (rows === undefined)
    throw new BadRequestError(
      'The body must be a JSON array of row objects, one object, NDJSON, CSV or a Parquet file.',
      {},
    );
  const bad = rows.findIndex((r) => !isRecord(r));
  if (bad >= 0) throw new BadRequestError(`Row ${bad} of the body is not a JSON object.`, { row: bad });
  return { kind: 'rows', rows: rows as Array<Record<string, unknown>> };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof LinesBody)
  );
}
