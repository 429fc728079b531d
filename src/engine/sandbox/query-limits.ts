/**
 * The resources sandboxed (untrusted) SQL may use on one DuckDB instance, so that no
 * query, and no number of concurrent ones, can exhaust the server:
 *
 * - memory: DuckDB's `memory_limit` bounds everything its buffer manager holds for all
 *   queries of the instance together (hash tables, sorts, aggregates such as
 *   string_agg and list, materialized CTEs), with spilling to a private directory up
 *   to `max_temp_directory_size`; beyond them DuckDB fails the query (Out of Memory),
 *   which becomes QueryMemoryLimitError.
 * - one value: strings and lists built by a scalar function live outside the buffer
 *   manager, so `repeat('x', 2000000000)` would build 2 GB whatever the memory limit.
 *   The functions that make a value much larger than their input are shadowed by
 *   macros (DuckDB resolves the instance's own `main` schema before its built-ins)
 *   that check the size before calling the built-in; too large: ValueTooLargeError.
 *   Calls naming a schema (`system.main.repeat`) would reach the built-in, so they are
 *   refused (refuseQualifiedGuardedCalls).
 * - threads: DuckDB's `threads`, the parallelism of every query on the instance.
 */
import { SqlExecutionError, QueryMemoryLimitError, SandboxViolationError, ValueTooLargeError } from '../errors.js';
import { significant, tokenize } from '../sql/sql-tokenizer.js';

export interface SandboxLimits {
  /** DuckDB `memory_limit` of the sandbox instance: every query's working memory together. */
  readonly memoryBytes: number;
  /** DuckDB `max_temp_directory_size`: what queries may spill to disk beyond memory. */
  readonly spillBytes: number;
  /** DuckDB `threads`. */
  readonly threads: number;
  /** The largest value (string characters, list elements) a query may build. */
  readonly maxValueBytes: number;
}

const MIB = 1024 * 1024;

/** Safe on a small machine (2 cores, a few GB): one server's queries stay well under 1 GB of RAM. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 512 * MIB,
  spillBytes: 2048 * MIB,
  threads: 2,
  maxValueBytes: 16 * MIB,
};

/** `SET GLOBAL` settings for the limits (before the configuration is locked). */
export function limitSettings(limits: SandboxLimits): string[] {
  return [
    `memory_limit = '${Math.floor(limits.memoryBytes / 1024)}KiB'`,
    `max_temp_directory_size = '${Math.floor(limits.spillBytes / 1024)}KiB'`,
    `threads = ${Math.max(1, Math.floor(limits.threads))}`,
  ];
}

/** Scalar functions whose result can be far larger than their arguments, with the size they would build. */
const GUARDED: ReadonlyArray<{ readonly name: string; readonly params: readonly string[]; readonly size: string }> = [
  // Lists and blobs are measured by their text form: never smaller than their element or byte count.
  { name: 'repeat', params: ['s', 'n'], size: 'length(s::VARCHAR)::DOUBLE * n' },
  { name: 'lpad', params: ['s', 'n', 'p'], size: 'n::DOUBLE' },
  { name: 'rpad', params: ['s', 'n', 'p'], size: 'n::DOUBLE' },
  { name: 'list_resize', params: ['l', 'n'], size: 'n::DOUBLE' },
  { name: 'list_resize', params: ['l', 'n', 'v'], size: 'n::DOUBLE' },
  { name: 'array_resize', params: ['l', 'n'], size: 'n::DOUBLE' },
  { name: 'array_resize', params: ['l', 'n', 'v'], size: 'n::DOUBLE' },
];

const GUARDED_NAMES: ReadonlySet<string> = new Set(GUARDED.map((g) => g.name));

const MARKER = 'STRATA_VALUE_LIMIT';

/** `CREATE MACRO` statements shadowing the guarded functions on a sandbox instance. */
export function guardMacros(maxValueBytes: number): string[] {
  const cap = Math.floor(maxValueBytes);
  return [...GUARDED_NAMES].map((name) => {
    const overloads = GUARDED.filter((g) => g.name === name).map((g) => {
      const args = g.params.join(', ');
      return `(${args}) AS CASE WHEN ${g.size} > ${cap} THEN error('${MARKER}:${name}:' || (${g.size})::HUGEINT || ':${cap}') ELSE system.main.${name}(${args}) END`;
    });
    return `CREATE MACRO main.${name}${overloads.join(', ')}`;
  });
}

/** Refuses a guarded function called with a schema or by method syntax, which would bypass its guard. */
export function refuseQualifiedGuardedCalls(sql: string): void {
  const tokens = significant(tokenize(sql));
  tokens.forEach((token, i) => {
    const name = token.kind === 'quoted' ? token.text.slice(1, -1) : token.text;
    if (token.kind !== 'word' && token.kind !== 'quoted') return;
    if (!GUARDED_NAMES.has(name.toLowerCase()) || tokens[i + 1]?.text !== '(' || tokens[i - 1]?.text !== '.') return;
    throw new SandboxViolationError(
      `${name}(...) must be called by its name alone here (not qualified, not as a method): the server checks the size of what it builds.`,
      { refused: name },
    );
  });
}

/**
 * The typed error for a DuckDB failure caused by a limit (undefined for others):
 * the value guard's marker, or DuckDB running out of its memory or spill space.
 */
export function limitFailure(error: unknown): Error | undefined {
  // sqlError() wraps DuckDB's error; the limit shows in the original.
  if (error instanceof SqlExecutionError) return limitFailure(error.cause);
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  const value = new RegExp(`${MARKER}:(\\w+):(\\d+):(\\d+)`).exec(message);
  if (value) {
    const [, fn, size, limit] = value;
    return new ValueTooLargeError(
      `${fn}(...) would build a value of ${size} characters or elements; one value may have at most ${limit} (the server's value limit). Build smaller values, or ask the operator to raise --max-value-mb.`,
      { limit: 'value', function: fn!, size: Number(size), maxValueBytes: Number(limit) },
      { cause: error },
    );
  }
  if (/^Out of Memory Error/i.test(message) || /max_temp_directory_size/i.test(message)) {
    return new QueryMemoryLimitError(
      `The query needed more memory than the server allows its queries (DuckDB: ${message.split('\n')[0]}). Narrow it (filters, fewer columns, smaller aggregates), retry when fewer queries run, or ask the operator to raise --query-memory-mb.`,
      { limit: 'memory' },
      { cause: error },
    );
  }
  return undefined;
}
