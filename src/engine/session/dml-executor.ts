/**
 * INSERT, DELETE, UPDATE and MERGE on named lake tables, each one Delta transaction.
 *
 * The user's expressions may reference other lake tables (subqueries) and the target
 * by its name or alias; they are bound on one connection (named tables and delta_scan
 * as views) and handed to the lake's DML, which evaluates them in DuckDB on that same
 * connection. Qualifiers are mapped to what the lake expects: none for DELETE/UPDATE,
 * `target`/`source` for MERGE.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  fromSql,
  quoteIdent,
  type AddFile,
  type DmlOptions,
  type DmlResult,
  type MergeClause as LakeMergeClause,
  type MergeSpec,
  type Snapshot,
} from '../../lake/index.js';
import { columnResolver, prune } from '../skipping/file-pruner.js';
import { compilePredicate } from '../skipping/predicate-parser.js';
import { parseExpression } from '../sql/sql-ast.js';
import type { Predicate } from '../skipping/stats-evaluator.js';
import { UnsupportedStatementError } from '../errors.js';
import { message, nameOf, type StatementResult, type ExecutionSession } from './statement-results.js';
import { significant, tokenize } from '../sql/sql-tokenizer.js';
import type { Statement } from '../sql/statement-parser.js';

type DmlStatement = Extract<Statement, { kind: 'insert' | 'delete' | 'update' | 'merge' }>;

export async function executeDml(session: ExecutionSession, statement: DmlStatement): Promise<StatementResult> {
  switch (statement.kind) {
    case 'insert':
      return insert(session, statement);
    case 'delete': {
      const table = await session.catalog.openTable(nameOf(statement.name));
      const qualifiers = [statement.alias ?? statement.name.table];
      const where = statement.where ? requalify(statement.where, qualifiers, undefined) : undefined;
      const result = await withFragments(session, where ? [where] : [], async ([predicate], connection) =>
        table.delete(predicate, {
          connection,
          operationParameters: { predicate: JSON.stringify(statement.where ? [statement.where] : []) },
          ...(predicate ? await skipping(connection, table.snapshot, predicate) : {}),
        }),
      );
      return dmlMessage(statement.kind, `deleted ${result.numDeletedRows} rows`, result);
    }
    case 'update': {
      const table = await session.catalog.openTable(nameOf(statement.name));
      const qualifiers = [statement.alias ?? statement.name.table];
      const fragments = [
        ...statement.set.map(([, expr]) => requalify(expr, qualifiers, undefined)),
        ...(statement.where ? [requalify(statement.where, qualifiers, undefined)] : []),
      ];
      const result = await withFragments(session, fragments, async (bound, connection) => {
        const set = Object.fromEntries(statement.set.map(([column], i) => [column, bound[i]!]));
        const predicate = statement.where ? bound[statement.set.length] : undefined;
        return table.update(set, predicate, {
          connection,
          operationParameters: statement.where ? { predicate: statement.where } : {},
          ...(predicate ? await skipping(connection, table.snapshot, predicate) : {}),
        });
      });
      return dmlMessage(statement.kind, `updated ${result.numUpdatedRows} rows`, result);
    }
    case 'merge':
      return merge(session, statement);
  }
}

async function insert(
  session: ExecutionSession,
  statement: Extract<Statement, { kind: 'insert' }>,
): Promise<StatementResult> {
  const table = await session.catalog.openTable(nameOf(statement.name));
  const tableColumns = table.snapshot.schema.fields.map((f) => f.name);
  const result = await session.withBoundSql(statement.query, async (connection, bound) => {
    const produced = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM (${bound})`)).getRowObjectsJson().length;
    const columns = statement.columns ?? tableColumns.slice(0, produced);
    if (columns.length !== produced) {
      throw new UnsupportedStatementError(
        `INSERT INTO ${nameOf(statement.name)} gives ${produced} values for ${columns.length} columns (${columns.join(', ')}).`,
      );
    }
    // INSERT is positional: the query's columns take the target's names in order.
    const relation = `SELECT * FROM (${bound}) AS __insert(${columns.map(quoteIdent).join(', ')})`;
    return statement.overwrite
      ? table.overwrite(fromSql(relation), { connection })
      : table.append(fromSql(relation), { connection });
  });
  return message(statement.kind, `inserted ${result.numRows} rows`, result.version);
}

async function merge(
  session: ExecutionSession,
  statement: Extract<Statement, { kind: 'merge' }>,
): Promise<StatementResult> {
  const table = await session.catalog.openTable(nameOf(statement.target));
  const targetNames = [statement.targetAlias ?? statement.target.table];
  const sourceIsQuery = statement.source.startsWith('(');
  const sourceQuery = sourceIsQuery ? statement.source.slice(1, -1) : `SELECT * FROM ${statement.source}`;
  const sourceName =
    statement.sourceAlias ?? (sourceIsQuery ? 'source' : statement.source.split('.').pop()!.replace(/"/g, ''));
  const map = (expr: string) => requalify(expr, targetNames, sourceName);
  // Fragments: the source query, ON, then every clause's condition and expressions;
  // each clause keeps the fragment indexes of its parts.
  const fragments = [sourceQuery, map(statement.on)];
  const at = (text: string) => fragments.push(map(text)) - 1;
  const clauses = statement.clauses.map((clause) => ({
    clause,
    condition: clause.condition !== undefined ? at(clause.condition) : undefined,
    set:
      clause.action.kind === 'update' && clause.action.set !== '*'
        ? clause.action.set.map(([column, expr]) => [column, at(expr)] as const)
        : undefined,
    values:
      clause.action.kind === 'insert' && clause.action.values !== '*'
        ? clause.action.values.map((expr) => at(expr))
        : undefined,
  }));
  const columns = table.snapshot.schema.fields.map((f) => f.name);
  const result = await withFragments(session, fragments, (bound, connection) => {
    const spec: MergeSpec = {
      on: bound[1]!,
      clauses: clauses.map(({ clause, condition, set, values }): LakeMergeClause => {
        const base = { when: clause.when, ...(condition !== undefined ? { condition: bound[condition]! } : {}) };
        const action = clause.action;
        if (action.kind === 'delete') return { ...base, action: { kind: 'delete' } };
        if (action.kind === 'update') {
          return {
            ...base,
            action: { kind: 'update', set: set ? Object.fromEntries(set.map(([c, i]) => [c, bound[i]!])) : '*' },
          };
        }
        if (!values) return { ...base, action: { kind: 'insert', values: '*' } };
        const names = action.columns ?? columns.slice(0, values.length);
        return {
          ...base,
          action: { kind: 'insert', values: Object.fromEntries(names.map((c, k) => [c, bound[values[k]!]!])) },
        };
      }),
    };
    return table.merge(fromSql(bound[0]!), spec, { connection });
  });
  return dmlMessage(
    statement.kind,
    `merged: ${result.numUpdatedRows} updated, ${result.numInsertedRows} inserted, ${result.numDeletedRows} deleted`,
    result,
  );
}

/** A DML statement's message: the new version, or that a statement which changed no row committed none. */
function dmlMessage(kind: DmlStatement['kind'], text: string, result: DmlResult): StatementResult {
  return result.committed ? message(kind, text, result.version) : message(kind, `${text}; no new version`);
}

/**
 * Data skipping for DELETE/UPDATE: only files whose stats allow a matching row are
 * candidates, and a concurrent writer's new file conflicts only if it could match.
 * A predicate the pruner cannot use (e.g. one with subqueries) keeps every file.
 */
async function skipping(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  predicate: string,
): Promise<Pick<DmlOptions, 'candidateFiles' | 'readPredicate'>> {
  let compiled: Predicate;
  try {
    compiled = await compilePredicate(
      connection,
      await parseExpression(connection, predicate),
      columnResolver(snapshot),
    );
  } catch {
    return {};
  }
  return {
    candidateFiles: prune(snapshot.files, compiled).kept,
    readPredicate: (file: AddFile) => prune([file], compiled).kept.length > 0,
  };
}

/**
 * Binds several SQL fragments on one connection at once (so they share one snapshot
 * of each table they name) and runs `work` with the bound texts.
 */
async function withFragments<T>(
  session: ExecutionSession,
  fragments: readonly string[],
  work: (bound: string[], connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const markers = fragments.map((_, i) => `/*__strata_fragment_${i}__*/`);
  // Parenthesized, every fragment (a predicate, a value, a whole query) parses as an expression.
  const joined = `SELECT ${fragments.map((f, i) => `(${markers[i]}${f}${markers[i]})`).join(', ')}`;
  return session.withBoundSql(joined, (connection, bound) => {
    const parts = fragments.map((_, i) => {
      const [, inner] = bound.split(markers[i]!);
      return inner!;
    });
    return work(parts, connection);
  });
}

/**
 * Rewrites `q.column` references: qualifiers in `targetNames` become `target` (or are
 * dropped when `sourceName` is undefined, for DELETE/UPDATE), `sourceName` becomes `source`.
 */
function requalify(expr: string, targetNames: readonly string[], sourceName: string | undefined): string {
  const tokens = tokenize(expr);
  const meaningful = significant(tokens);
  const targets = new Set(targetNames.map((n) => n.toLowerCase()));
  let out = '';
  let at = 0;
  meaningful.forEach((token, i) => {
    if (
      (token.kind !== 'word' && token.kind !== 'quoted') ||
      meaningful[i + 1]?.text !== '.' ||
      meaningful[i - 1]?.text === '.'
    )
      return;
    const name = (token.kind === 'quoted' ? token.text.slice(1, -1) : token.text).toLowerCase();
    const dot = meaningful[i + 1]!;
    if (targets.has(name)) {
      out += expr.slice(at, token.start) + (sourceName === undefined ? '' : 'target.');
      at = dot.end;
    } else if (sourceName !== undefined && name === sourceName.toLowerCase()) {
      out += `${expr.slice(at, token.start)}source.`;
      at = dot.end;
    }
  });
  return out + expr.slice(at);
}
