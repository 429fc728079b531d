/**
 * DuckDB's prepared plans of recent queries, kept to run again when the same bound text
 * comes back. Preparing (parse, bind, optimize) is a large part of a small query's cost
 * (about 0.6 ms of 2 ms for a pruned scan of two files); a dashboard or an API repeats
 * the same few queries, so each of those keeps its plan on a connection of its own.
 *
 * Running a kept plan again is running the text again only for texts whose meaning is
 * fixed by the text itself. The bound text names the exact data files a snapshot keeps
 * (Delta data files never change once written), so a new snapshot gives a new text. A
 * plan is kept only when the query is one read-only statement, every scan is inlined
 * without temp tables, and everything it reads is a delta_scan or a pure table function
 * (`range`, `generate_series`, `unnest`): no tables by name and no other table functions
 * (DuckDB expands a glob or reads a CSV's columns when it plans), and no
 * `current_setting` or `getvariable` (read when planning). DuckDB folds constants with the
 * connection's settings when it plans, so any statement that is not a single query (it
 * may `SET GLOBAL`) forgets every plan.
 */
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResult } from '@duckdb/node-api';
import { Cache } from '../../core/index.js';
import { sharedDuckdb } from '../../lake/index.js';
import type { ParsedSql } from './parsed-sql.js';
import { descendants, stringValue } from './sql-ast.js';
import { significantTokens } from './sql-tokenizer.js';

interface Plan {
  readonly connection: DuckDBConnection;
  readonly prepared: DuckDBPreparedStatement;
}

/** Plans not in use, by bound text (a plan in use is taken out, so none runs twice at once). */
const idle = new Cache<string, Plan>({ maxEntries: 16, onEvict: (_sql, plan) => close(plan) });
/** Texts run once: a plan is made the second time a text is seen, not for one-off queries. */
const seen = new Cache<string, true>({ maxEntries: 256 });
const LONGEST_KEPT = 64 * 1024;
const PURE_TABLE_FUNCTIONS = new Set(['delta_scan', 'range', 'generate_series', 'unnest']);
const PLANNING_TIME_FUNCTIONS = new Set(['current_setting', 'getvariable']);

/**
 * One read-only query (SELECT, WITH, FROM, VALUES): nothing it does changes the
 * connection or the instance.
 */
export function isOneQuery(sql: string): boolean {
  const tokens = significantTokens(sql);
  if (tokens.some((t) => t.text === ';' && t !== tokens[tokens.length - 1])) return false;
  return /^(select|with|from|values)$/i.test(tokens[0]?.text ?? '');
}

/** Drops every kept plan (a statement may have changed the settings plans were made with). */
export function forgetPlans(): void {
  idle.clear();
  seen.clear();
}

/** Can a plan of this query be kept and run again (see the module comment)? */
export function planKeepable(parsed: ParsedSql): boolean {
  if (!parsed.statements || parsed.statements.length !== 1 || !isOneQuery(parsed.sql)) return false;
  for (const node of descendants(parsed.statements[0]!)) {
    if (node.type === 'BASE_TABLE') return false;
    if (node.type === 'TABLE_FUNCTION') {
      const fn = node.function as { function_name?: unknown; schema?: unknown } | undefined;
      if (typeof fn?.function_name !== 'string' || !PURE_TABLE_FUNCTIONS.has(fn.function_name.toLowerCase()))
        return false;
    }
    if (node.class === 'FUNCTION' && PLANNING_TIME_FUNCTIONS.has(stringValue(node, 'function_name').toLowerCase()))
      return false;
  }
  return true;
}

/**
 * `consume` of the result of `sql` (a bound text): from its kept plan when there is one,
 * else, when the text was seen before and `keepable` says so, from a new plan kept after;
 * undefined otherwise (the caller runs it as usual). A kept plan was keepable when made.
 */
export async function runWithPlan<T>(
  sql: string,
  keepable: () => Promise<boolean>,
  consume: (result: DuckDBResult) => Promise<T>,
): Promise<{ value: T } | undefined> {
  if (sql.length > LONGEST_KEPT) return undefined;
  let plan = idle.get(sql);
  if (plan) idle.delete(sql);
  else if (!seen.get(sql)) {
    // A text seen once costs nothing more than before: not even the check.
    seen.set(sql, true);
    return undefined;
  } else if (await keepable()) plan = await newPlan(sql);
  else return undefined;
  let value: T;
  try {
    value = await consume(await plan.prepared.stream());
  } catch (error) {
    close(plan);
    throw error;
  }
  // Another caller may have put back a plan of the same text meanwhile: one is enough.
  if (idle.get(sql)) close(plan);
  else idle.set(sql, plan);
  return { value };
}

async function newPlan(sql: string): Promise<Plan> {
  const connection = await (await sharedDuckdb()).connect();
  try {
    return { connection, prepared: await connection.prepare(sql) };
  } catch (error) {
    connection.closeSync();
    throw error;
  }
}

function close(plan: Plan): void {
  plan.prepared.destroySync();
  plan.connection.closeSync();
}
