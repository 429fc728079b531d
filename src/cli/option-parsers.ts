/**
 * Parsers for option values. They throw commander's InvalidArgumentError, so a bad
 * value is reported as a usage error (exit code 2) naming the option.
 */
import { existsSync } from 'node:fs';
import { InvalidArgumentError as UsageError } from 'commander';
import { InvalidArgumentError } from '../core/index.js';

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`expected a whole number ≥ 0, not "${value}".`);
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n === 0) throw new UsageError('expected a whole number ≥ 1, not 0.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`expected a number ≥ 0, not "${value}".`);
  return n;
}

/** `a,b` → ['a', 'b']. */
export function columnNames(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('expected column names separated by commas, e.g. "year,month".');
  return names;
}

/** Repeatable `k=v`, collected into an object. */
export function property(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`expected key=value, e.g. delta.appendOnly=true, not "${value}".`);
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
}

/** An input file must exist: DuckDB's own "no files found" message does not say which option was wrong. */
export function existingFile(file: string, what = 'Input file'): string {
  if (!existsSync(file)) throw new InvalidArgumentError(`${what} ${file} does not exist.`, { file });
  return file;
}
