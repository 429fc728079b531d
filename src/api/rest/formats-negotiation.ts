/**
 * Content negotiation of row results: JSON (an array of objects; the default and the
 * answer to `*\/*`), NDJSON (one object a line), CSV (header row, RFC 4180 quoting)
 * and Parquet. Accept's q-values are honoured; an Accept naming none of these is a 406.
 */
import { UnsupportedMediaTypeError } from '../errors.js';

export const RowFormat = { json: 'json', ndjson: 'ndjson', csv: 'csv', parquet: 'parquet' } as const;
export type RowFormat = (typeof RowFormat)[keyof typeof RowFormat];

export const CONTENT_TYPES: Readonly<Record<RowFormat, string>> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

const MEDIA_TYPES: Readonly<Record<string, RowFormat>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/jsonlines': 'ndjson',
  'text/csv': 'csv',
  'application/vnd.apache.parquet': 'parquet',
  'application/parquet': 'parquet',
  'application/x-parquet': 'parquet',
  '*/*': 'json',
  'application/*': 'json',
  'text/*': 'csv',
};

/** The format to answer in; `allowed` limits it (e.g. no Parquet for some routes). */
export function negotiateFormat(
  accept: string | undefined,
  allowed: readonly RowFormat[] = Object.values(RowFormat),
): RowFormat {
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const format = MEDIA_TYPES[range.type];
    if (format !== undefined && allowed.includes(format)) return format;
  }
  throw new UnsupportedMediaTypeError(
    406,
    `Cannot answer in "${accept}"; ask for one of ${allowed.map((f) => CONTENT_TYPES[f].split(';')[0]).join(', ')}.`,
    { accept },
  );
}
