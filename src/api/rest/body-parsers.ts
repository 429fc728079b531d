/**
 * Request bodies of the row writes: a JSON array (or one object), NDJSON, or a
 * Parquet file. Fastify parses JSON itself; this adds the NDJSON and Parquet content
 * types (Parquet also as application/octet-stream) to the encapsulated instance of
 * the table routes, under the server's body limit (413 above it).
 */
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.js';

export type RowsBody =
  | { readonly kind: 'rows'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'parquet'; readonly bytes: Buffer };

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];
export const PARQUET_TYPES = [
  'application/vnd.apache.parquet',
  'application/parquet',
  'application/x-parquet',
  'application/octet-stream',
];

export function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseNdjson(String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(PARQUET_TYPES, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, body);
  });
}

export function parseNdjson(text: string): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new BadRequestError(
        `NDJSON line ${index + 1} is not JSON: ${(error as Error).message}.`,
        { line: index + 1 },
        { cause: error },
      );
    }
    if (!isRecord(value))
      throw new BadRequestError(`NDJSON line ${index + 1} is not a JSON object.`, { line: index + 1 });
    rows.push(value);
  });
  return rows;
}

/** The parsed body as rows or Parquet bytes; anything else is a 400. */
export function rowsBodyOf(body: unknown): RowsBody {
  if (Buffer.isBuffer(body)) return { kind: 'parquet', bytes: body };
  const rows = Array.isArray(body) ? body : isRecord(body) ? [body] : undefined;
  if (rows === undefined)
    throw new BadRequestError(
      'The body must be a JSON array of row objects, one object, NDJSON or a Parquet file.',
      {},
    );
  const bad = rows.findIndex((r) => !isRecord(r));
  if (bad >= 0) throw new BadRequestError(`Row ${bad} of the body is not a JSON object.`, { row: bad });
  return { kind: 'rows', rows: rows as Array<Record<string, unknown>> };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
