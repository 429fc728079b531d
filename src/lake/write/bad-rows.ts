/**
 * What happens to input rows that do not fit their file's header or the table: `fail`
 * (the default: the write stops before anything is written, naming the first bad line),
 * `skip` (they are left out) or `quarantine` (left out and written, each with its line
 * number and reason, to a JSON-lines side file, never inside the lake).
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BadRowsError } from '../errors.js';

export const BadRowsMode = { fail: 'fail', skip: 'skip', quarantine: 'quarantine' } as const;
export type BadRowsMode = (typeof BadRowsMode)[keyof typeof BadRowsMode];

export interface InputChecks {
  /** Default `fail`. */
  readonly badRows?: BadRowsMode;
  /** Where `quarantine` writes the rejected lines; default `<input>.rejected.jsonl` beside the input. */
  readonly rejects?: string;
  /** The sentence a `fail` error ends with: how to skip or quarantine, in the caller's words. */
  readonly nextStep?: string;
  /** How errors and the report name the input (default its path), e.g. "the body". */
  readonly name?: string;
}

export interface RejectedRow {
  /** 1-based line of the file, as an editor shows it. */
  readonly line: number;
  readonly column?: string;
  /** The offending value, truncated. */
  readonly value?: string;
  readonly reason: string;
  /** The rejected line's text, truncated. */
  readonly text: string;
}

/** What the checks found in one input file. */
export interface InputReport {
  readonly file: string;
  readonly mode: BadRowsMode;
  /** Rejected lines (one entry per line, the first problem found on it). */
  readonly rejected: readonly RejectedRow[];
  /** The side file the rejected lines went to (quarantine with at least one rejected line). */
  readonly quarantineFile?: string;
}

const LIBRARY_NEXT_STEP =
  "Pass badRows: 'skip' to leave bad rows out, or badRows: 'quarantine' to write them to a side file.";
const MAX_SHOWN = 80;

export function truncate(text: string, max = MAX_SHOWN): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The default side file of `input`. */
export const defaultRejectsFile = (input: string): string => `${input}.rejected.jsonl`;

/**
 * Applies the mode to what the checks found: throws BadRowsError under `fail`,
 * writes the side file under `quarantine`; returns the report.
 */
export async function settleRejects(
  file: string,
  rejected: readonly RejectedRow[],
  checks: InputChecks,
): Promise<InputReport> {
  const mode = checks.badRows ?? 'fail';
  const shown = checks.name ?? file;
  const sorted = [...rejected].sort((a, b) => a.line - b.line);
  const first = sorted[0];
  if (first && mode === 'fail') {
    throw new BadRowsError(
      shown,
      first.line,
      first.column,
      first.value,
      first.reason,
      sorted.length,
      checks.nextStep ?? LIBRARY_NEXT_STEP,
    );
  }
  if (first && mode === 'quarantine') {
    const target = checks.rejects ?? defaultRejectsFile(file);
    await fs.writeFile(target, sorted.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return { file: shown, mode, rejected: sorted, quarantineFile: target };
  }
  return { file: shown, mode, rejected: sorted };
}

/** One entry per line: the first problem found on it. */
export function firstPerLine(rejected: readonly RejectedRow[]): RejectedRow[] {
  const byLine = new Map<number, RejectedRow>();
  for (const row of rejected) if (!byLine.has(row.line)) byLine.set(row.line, row);
  return [...byLine.values()];
}

/**
 * The file's bytes as DuckDB reads them (gzip decompressed); undefined for zstd, which
 * Node 20 cannot decompress.
 */
export function decompressedStream(file: string): Readable | undefined {
  if (/\.zst$/i.test(file)) return undefined;
  return /\.gz$/i.test(file) ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
}

/**
 * The 1-based line of each byte offset of a file (the number of newlines before it,
 * plus one), in one streaming pass that stops at the largest offset; undefined when
 * the file cannot be decompressed here.
 */
export async function linesAtOffsets(
  file: string,
  offsets: readonly number[],
): Promise<Map<number, number> | undefined> {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const result = new Map<number, number>();
  if (wanted.length === 0) return result;
  const stream = decompressedStream(file);
  if (!stream) return undefined;
  let position = 0;
  let newlines = 0;
  let next = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (next >= wanted.length) {
      stream.destroy();
      break;
    }
    for (let i = 0; i < chunk.length; i++, position++) {
      while (next < wanted.length && wanted[next]! <= position) result.set(wanted[next++]!, newlines + 1);
      if (chunk[i] === 0x0a) newlines++;
    }
  }
  while (next < wanted.length) result.set(wanted[next++]!, newlines + 1);
  return result;
}
