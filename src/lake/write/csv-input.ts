/**
 * A CSV file read strictly: the dialect is sniffed once, then the file is read with
 * the delimiter, quote and header given explicitly (DuckDB's sniffer, left alone, falls
 * back to one string column named after the whole header when a row has an extra
 * field), with the table's types for the columns it has, and every row that does not
 * fit (field count, unterminated quote, a value that does not convert, an empty value
 * in a NOT NULL column) lands in DuckDB's rejects tables instead of the data. Valid
 * quoted delimiters and newlines, empty lines, a BOM and CRLF line ends are fine.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidArgumentError } from '../../core/index.js';
import { duckdbType, findField, quoteIdent, quoteLiteral, type StructType } from '../log/schema.js';
import { firstPerLine, linesAtOffsets, truncate, type RejectedRow } from './bad-rows.js';
import { sqlPath } from './local-files.js';

export interface CsvRead {
  /** read_csv(...) that leaves rejected rows out. */
  readonly reader: string;
  readonly rejected: readonly RejectedRow[];
}

interface Dialect {
  readonly delimiter: string;
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
  readonly dateFormat: string | null;
  readonly timestampFormat: string | null;
}

const DELIMITERS = [',', '\t', ';', '|'];

export async function readCsvStrictly(
  connection: DuckDBConnection,
  file: string,
  target: StructType | undefined,
  shownAs = file,
): Promise<CsvRead> {
  const dialect = await sniffDialect(connection, file, shownAs);
  const notNull: string[] = [];
  const columns = dialect.columns.map(({ name, type }) => {
    const field = target ? findField(target, name) : undefined;
    if (!field || typeof field.type !== 'string') return { name, type };
    // An empty field is NULL; forcing it to a value makes it a conversion error DuckDB reports with its line.
    if (!field.nullable && field.type !== 'string') notNull.push(name);
    return { name, type: duckdbType(field.type) };
  });
  const options = [
    'auto_detect = false',
    'header = true',
    'skip = 0',
    `delim = ${quoteLiteral(dialect.delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `columns = {${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`,
    ...(dialect.dateFormat ? [`dateformat = ${quoteLiteral(dialect.dateFormat)}`] : []),
    ...(dialect.timestampFormat ? [`timestampformat = ${quoteLiteral(dialect.timestampFormat)}`] : []),
    ...(notNull.length > 0 ? [`force_not_null = [${notNull.map(quoteLiteral).join(', ')}]`] : []),
  ];
  const id = randomUUID().replace(/-/g, '');
  const rejectsTable = `strata_rejects_${id}`;
  const rejectsScan = `strata_scans_${id}`;
  const scan = `read_csv(${sqlPath(file)}, ${options.join(', ')}, store_rejects = true, rejects_table = '${rejectsTable}', rejects_scan = '${rejectsScan}')`;
  try {
    // hash(t) reads every column: a bare count(*) would let DuckDB skip converting them.
    await connection.run(`SELECT count(*), sum(hash(t)) FROM ${scan} AS t`).catch((error: unknown) => {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      throw new InvalidArgumentError(`Cannot read ${shownAs} as CSV: ${reason}`, { file: shownAs }, { cause: error });
    });
    const reader = await connection.runAndReadAll(
      `SELECT line, line_byte_position, column_name, error_type, csv_line, error_message FROM ${quoteIdent(rejectsTable)}`,
    );
    const raw = reader.getRowObjectsJson().map((r) => ({
      duckdbLine: Number(r.line),
      // Where DuckDB says the line starts is exact after CRLF and one byte late after LF (or, after a
      // quoted newline, the newline itself): the newlines up to and including it count the lines before.
      offset: Number(r.line_byte_position) + 1,
      column: r.column_name === null ? undefined : String(r.column_name),
      errorType: String(r.error_type),
      text: String(r.csv_line ?? '').replace(/^[\r\n]+|[\r\n]+$/g, ''),
      message: String(r.error_message ?? ''),
    }));
    const lines = await linesAtOffsets(
      file,
      raw.map((r) => r.offset),
    );
    const rejected = raw.map((r) => ({
      // DuckDB's own line count (records, not lines) only where the file cannot be read here (zstd).
      line: lines?.get(r.offset) ?? r.duckdbLine,
      ...(r.column === undefined ? {} : { column: r.column }),
      ...describe(r.errorType, r.message, r.column !== undefined && notNull.includes(r.column)),
      ...(r.errorType === 'CAST' && /Could not convert string "[^"]*$/.test(r.message)
        ? castOfMultiline(r.column, columns)
        : {}),
      text: truncate(r.text, 10_000),
    }));
    return {
      reader: `read_csv(${sqlPath(file)}, ${options.join(', ')}, ignore_errors = true)`,
      rejected: firstPerLine(rejected),
    };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejectsTable)}`);
    await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(rejectsScan)}`);
  }
}

/** DuckDB cuts its message at a value's newline: the reason from the column's type instead. */
function castOfMultiline(
  column: string | undefined,
  columns: ReadonlyArray<{ name: string; type: string }>,
): { reason?: string } {
  const type = columns.find((c) => c.name === column)?.type;
  return type ? { reason: `cannot read a value spanning lines as ${type}` } : {};
}

/** The reason (and the bad value) of one DuckDB reject, in the user's terms. */
function describe(errorType: string, message: string, notNull: boolean): { reason: string; value?: string } {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  switch (errorType) {
    case 'CAST': {
      const cast = /Could not convert string "(.*)" to '([^']*)'/s.exec(message);
      if (cast) return { reason: `cannot read "${truncate(cast[1]!)}" as ${cast[2]}`, value: truncate(cast[1]!) };
      if (notNull) return { reason: 'empty value in a NOT NULL column', value: '' };
      return { reason: message };
    }
    case 'MISSING COLUMNS':
    case 'TOO MANY COLUMNS':
      return counts
        ? { reason: `the line has ${counts[2]} fields but the header has ${counts[1]}` }
        : { reason: message };
    case 'UNQUOTED VALUE':
      return { reason: 'a value opens a quote (") that is never closed, or has text after its closing quote' };
    default:
      return { reason: message };
  }
}

/**
 * The delimiter, column names and types. A first, free sniff finds the delimiter; when
 * it saw one column whose name holds a delimiter, the file is sniffed again with that
 * delimiter and a header, so a bad row cannot turn the header into one column.
 */
async function sniffDialect(connection: DuckDBConnection, file: string, shownAs: string): Promise<Dialect> {
  const tsv = /\.tsv(\.gz|\.zst)?$/i.test(file);
  // A header is required and comes first: left to guess, the sniffer may skip lines up to a bad row and take that row as the header.
  const free = await sniff(connection, file, `${tsv ? "delim = '\\t', " : ''}header = true, skip = 0`);
  let delimiter = tsv ? '\t' : free?.delimiter;
  if (free && free.columns.length === 1) {
    const name = free.columns[0]!.name;
    const counts = DELIMITERS.map((d) => name.split(d).length - 1);
    const best = Math.max(...counts);
    if (best > 0) delimiter = DELIMITERS[counts.indexOf(best)]!;
  }
  if (!delimiter || !DELIMITERS.includes(delimiter)) delimiter = delimiter ?? ',';
  const explicit = `delim = ${quoteLiteral(delimiter)}, header = true, skip = 0, quote = '"', escape = '"'`;
  // A bad row makes the sniff give up; told to pass over bad rows, it still types the columns from the good ones.
  const strict =
    (await sniff(connection, file, explicit)) ?? (await sniff(connection, file, `${explicit}, ignore_errors = true`));
  if (strict) return { ...strict, delimiter };
  if (!free)
    throw new InvalidArgumentError(
      `Cannot read ${shownAs} as CSV: neither its delimiter nor its header could be detected. Check that it is a CSV file with a header line.`,
      { file: shownAs },
    );
  // The strict sniff fails on a broken row (an unterminated quote); the header's names are still good.
  const columns =
    free && free.delimiter === delimiter
      ? free.columns
      : free.columns[0]!.name.split(delimiter).map((name) => ({ name, type: 'VARCHAR' }));
  return { delimiter, columns, dateFormat: null, timestampFormat: null };
}

async function sniff(connection: DuckDBConnection, file: string, options: string): Promise<Dialect | undefined> {
  try {
    const reader = await connection.runAndReadAll(
      `SELECT Delimiter, Columns, DateFormat, TimestampFormat FROM sniff_csv(${sqlPath(file)}${options ? `, ${options}` : ''})`,
    );
    const row = reader.getRowObjectsJson()[0];
    if (!row) return undefined;
    const columns = (row.Columns as unknown as Array<{ name: string; type: string }>).map((c) => ({
      name: String(c.name),
      type: String(c.type),
    }));
    return {
      delimiter: String(row.Delimiter),
      columns,
      dateFormat: row.DateFormat === null ? null : String(row.DateFormat),
      timestampFormat: row.TimestampFormat === null ? null : String(row.TimestampFormat),
    };
  } catch {
    return undefined;
  }
}
