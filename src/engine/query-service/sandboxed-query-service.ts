/**
 * The QueryService of the HTTP API: every request's SQL runs on a sandboxed DuckDB
 * (SandboxPool: external access only to the lake's directories, configuration locked)
 * after the engine's sandbox policy accepted it, with the principal's grants applied
 * by the table resolver (GrantResolver) and the server's row and time limits.
 *
 * Writes (execute) run through the engine's SqlSession on a sandboxed connection too.
 * The lake's own I/O for them needs nothing outside the sandbox: a local table's new
 * data files are staged inside the table's directory, which the sandbox allows, and
 * checkpoints are written on the lake's shared instance, which never sees user SQL.
 * Every piece of user SQL in a statement (INSERT's query, WHERE and SET expressions,
 * MERGE's source, CREATE TABLE AS's query) is checked by the same policy before it is
 * bound, so an expression can no more read a file than a query can.
 *
 * Table names resolve through the server's TableLookup (a short memo), and plan()
 * remembers each query's shape (PlanMemo) for as long: an ETag for a repeated query
 * then costs one check of each table's newest commit, with no DuckDB work. DDL run
 * here invalidates both at once.
 */
import {
  ApiRole,
  ForbiddenError,
  GrantResolver,
  TableLookup,
  hasRole,
  requireRole,
  restricted,
  visibilityKey,
  type Catalog,
  type Principal,
} from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import { UnsupportedStatementError } from '../errors.js';
import { MemoryContention } from '../query/memory-contention.js';
import { PlanMemo } from '../query/plan-memo.js';
import { SandboxPool } from '../query/sandbox-pool.js';
import { boundReads, currentReads, planReads, readShape } from '../query/table-reads.js';
import { limitFailure, refuseQualifiedGuardedCalls } from '../sandbox/query-limits.js';
import { localDirectory } from '../sandbox/sandbox-paths.js';
import { checkSandboxedSql } from '../sandbox/sandbox-policy.js';
import { bindSandboxedSql } from '../sandbox/sandboxed-sql.js';
import { SqlSession, type StatementResult } from '../session/sql-session.js';
import { parseStatement, splitStatements, type Statement } from '../sql/statement-parser.js';
import { redactSqlError } from './error-redaction.js';
import { redactHistoryResult } from './history-redaction.js';
import { LimitedStream, QueryDeadline } from './limited-stream.js';
import { explainBound, type QueryExplain } from './query-explain.js';
import type { TableRead } from '../query/table-reads.js';
import { compileTableQuery } from '../table-query/table-query-compiler.js';
import { applyGrant } from '../table-query/table-query-grant.js';
import { tableOf } from '../table-query/table-query-nodes.js';
import type { QueryRequest, QueryResult, QueryService, QueryStream, TableQueryRequest } from './query-service.js';
import { DEFAULT_QUERY_RESOURCE_LIMITS, sandboxLimits, type QueryResourceLimits } from './query-resource-limits.js';
import { ResultBudget, ResultMeter } from './result-limits.js';

/** Rows per result and milliseconds per query, at most (a request may ask for less). */
export interface RowAndTimeLimits {
  readonly maxRows: number;
  readonly queryTimeoutMs: number;
}

export interface SandboxedQueryServiceOptions {
  readonly catalog: Catalog;
  /** Rows and time per query; the resource limits default to safe ones (DEFAULT_QUERY_RESOURCE_LIMITS). */
  readonly limits: RowAndTimeLimits & Partial<QueryResourceLimits>;
  /** The server's table memo, shared with its TableAccessControl; default: one of its own. */
  readonly lookup?: TableLookup;
}

type WriteStatement = Extract<Statement, { kind: 'insert' | 'delete' | 'update' | 'merge' }>;

function isWrite(statement: Statement): statement is WriteStatement {
  return (
    statement.kind === 'insert' ||
    statement.kind === 'delete' ||
    statement.kind === 'update' ||
    statement.kind === 'merge'
  );
}

export class SandboxedQueryService implements QueryService {
  private readonly catalog: Catalog;
  private readonly limits: RowAndTimeLimits & QueryResourceLimits;
  private readonly pool: SandboxPool;
  /** The results this server holds at once, over all queries (result-limits.ts). */
  readonly results: ResultBudget;
  private readonly lookup: TableLookup;
  private readonly shapes: PlanMemo;
  /** Retries a read that ran out of memory because of its neighbours, alone (memory-contention.ts). */
  private readonly contention: MemoryContention;

  constructor(options: SandboxedQueryServiceOptions) {
    this.catalog = options.catalog;
    this.limits = { ...DEFAULT_QUERY_RESOURCE_LIMITS, ...options.limits };
    this.pool = new SandboxPool(options.catalog, sandboxLimits(this.limits));
    this.results = new ResultBudget(this.limits.resultMemoryBytes);
    this.lookup = options.lookup ?? new TableLookup(options.catalog);
    this.shapes = new PlanMemo(this.lookup);
    this.contention = new MemoryContention(this.limits.queryTimeoutMs);
  }

  async plan(principal: Principal, sql: string): Promise<TableRead[]> {
    const visibility = visibilityKey(principal);
    let shape = this.shapes.get(visibility, sql);
    if (shape === undefined) {
      const generation = this.lookup.generation;
      shape = await this.pool.parsing((connection) => readShape(connection, sql, this.resolver(principal)));
      this.shapes.set(visibility, sql, generation, shape);
    }
    return (await currentReads(shape)).tables;
  }

  run(request: QueryRequest): Promise<QueryResult> {
    return this.#shown(request.principal, () => this.#run(request));
  }

  runTableQuery(request: TableQueryRequest): Promise<QueryResult> {
    const { principal } = request;
    const table = tableOf(request.query);
    // The grant is applied to the query itself, so the table's name then resolves to the plain scan (GrantResolver's `applied`).
    const grant = principal.grants?.get(table);
    const resolver = new GrantResolver(this.lookup, principal, new Set([table]));
    return this.#shown(principal, async () => {
      const query = restricted(grant) ? applyGrant(request.query, grant) : request.query;
      return this.#run({ ...request, sql: compileTableQuery(query) }, resolver);
    });
  }

  #run(request: QueryRequest, resolver = this.resolver(request.principal)): Promise<QueryResult> {
    return this.contention.run(async () => {
      // Every batch is kept until the result is complete: all of it stays charged to the server's budget meanwhile.
      const stream = await this.open(request, true, resolver);
      const rows: (readonly unknown[])[] = [];
      for await (const batch of stream) rows.push(...batch);
      return {
        columns: stream.columns,
        rows: rows as QueryResult['rows'],
        rowCount: rows.length,
        truncated: stream.truncated,
        tables: stream.tables,
      };
    });
  }

  async stream(request: QueryRequest): Promise<QueryStream & { readonly truncated: boolean }> {
    // Retried alone only while nothing has been sent: a failure after the first batch reaches the client as a cut stream.
    const stream = await this.#shown(request.principal, () => this.contention.run(() => this.open(request, false)));
    if (hasRole(request.principal, ApiRole.admin)) return stream;
    const shown = this.#shown.bind(this);
    return {
      get columns() {
        return stream.columns;
      },
      get tables() {
        return stream.tables;
      },
      get truncated() {
        return stream.truncated;
      },
      close: () => stream.close(),
      async *[Symbol.asyncIterator]() {
        const batches = stream[Symbol.asyncIterator]();
        for (;;) {
          const next = await shown(request.principal, () => batches.next());
          if (next.done === true) return;
          yield next.value;
        }
      },
    };
  }

  /**
   * What `work` throws, as the principal may see it: a non-admin does not see where
   * tables live (as in /v1/tables), nor under a restricting grant the grant's rewrite.
   */
  async #shown<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (hasRole(principal, ApiRole.admin) || !isStrataError(error)) throw error;
      const tables = await this.catalog.listTables().catch(() => []);
      const grants = principal.grants === null ? [] : [...principal.grants.values()];
      throw redactSqlError(error, { tables, hideStatementEcho: grants.some((g) => restricted(g)) });
    }
  }

  explain(request: QueryRequest): Promise<QueryExplain> {
    return this.#shown(request.principal, async () => {
      const resolver = this.resolver(request.principal);
      let connection = await this.pool.connect();
      let deadline: QueryDeadline | undefined;
      try {
        const planned = await planReads(connection, request.sql, resolver);
        for (const table of planned.tables) {
          if (restricted(request.principal.grants?.get(table.name)))
            throw new ForbiddenError(
              `EXPLAIN of ${table.name} is not allowed for token "${request.principal.name}": its grant limits the table's columns or rows, and the plan's file counts and filters would describe what the grant hides. Run the query itself instead.`,
              { table: table.name, role: request.principal.role },
            );
        }
        const locations = planned.tables.map((t) => t.location);
        if (!(await this.pool.allows(locations))) {
          connection.closeSync();
          connection = await this.pool.connect(locations);
        }
        deadline = new QueryDeadline(connection, this.timeoutOf(request), request.signal);
        deadline.check();
        const bound = await bindSandboxedSql(connection, planned.prepared, resolver);
        try {
          return await explainBound(bound, resolver.names);
        } catch (error) {
          throw deadline.failure(error, bound);
        } finally {
          await bound.release().catch(() => undefined);
        }
      } catch (error) {
        throw deadline?.failure(error) ?? error;
      } finally {
        deadline?.clear();
        connection.closeSync();
      }
    });
  }

  private async open(
    request: QueryRequest,
    retain: boolean,
    resolver = this.resolver(request.principal),
  ): Promise<QueryStream & { readonly truncated: boolean }> {
    let connection = await this.pool.connect();
    let deadline: QueryDeadline | undefined;
    try {
      await request.before?.(connection);
      const planned = await planReads(connection, request.sql, resolver);
      // An external table registered since the sandbox was made needs a new instance.
      const locations = planned.tables.map((t) => t.location);
      if (!(await this.pool.allows(locations))) {
        connection.closeSync();
        connection = await this.pool.connect(locations);
      }
      deadline = new QueryDeadline(connection, this.timeoutOf(request), request.signal);
      const bound = await bindSandboxedSql(connection, planned.prepared, resolver).catch((error: unknown) => {
        throw deadline!.failure(error);
      });
      return await LimitedStream.start(
        connection,
        bound,
        deadline,
        this.maxRowsOf(request),
        boundReads(bound.tables, planned.changeFeeds, resolver),
        new ResultMeter(this.results, this.limits, retain),
        this.limits.maxValueBytes,
      );
    } catch (error) {
      // LimitedStream.start releases what it was given; anything earlier is released here.
      deadline?.clear();
      try {
        connection.closeSync();
      } catch {
        // Already closed by LimitedStream.
      }
      throw error;
    }
  }

  execute(principal: Principal, sql: string): Promise<StatementResult> {
    return this.#shown(principal, () => this.#execute(principal, sql));
  }

  async #execute(principal: Principal, sql: string): Promise<StatementResult> {
    const statements = splitStatements(sql);
    if (statements.length !== 1)
      throw new UnsupportedStatementError(`Give one statement at a time here; the text has ${statements.length}.`, {
        statements: statements.length,
      });
    const statement = parseStatement(statements[0]!);
    if (statement.kind === 'query') {
      const result = await this.run({ principal, sql: statement.sql });
      return { statement: 'query', columns: result.columns, rows: result.rows, rowCount: result.rowCount };
    }
    // History is a read: any role that can see the table, redacted under a restricting grant.
    let restrictedHistory = false;
    if (statement.kind === 'describeHistory') {
      const ref = statement.name;
      restrictedHistory = typeof (await this.resolver(principal).resolveTable(ref.schema, ref.table)) !== 'string';
    } else if (isWrite(statement)) {
      requireRole(principal, ApiRole.writer, statement.kind.toUpperCase());
      await this.checkWriteGrant(principal, statement);
    } else {
      requireRole(principal, ApiRole.admin, describe(statement));
    }
    // Every local table's directory, so the statement's subqueries can read any of them.
    const locations = (await this.catalog.listTables())
      .map((t) => t.location)
      .filter((l) => localDirectory(l) !== undefined);
    const session = new SqlSession(this.catalog, {
      resolver: this.resolver(principal),
      connect: () => this.pool.connect(locations),
      checkSql: async (connection, text) => {
        await checkSandboxedSql(connection, text);
        refuseQualifiedGuardedCalls(text);
      },
      maxRows: this.limits.maxRows,
    });
    try {
      const result = await session.executeOne(statements[0]!);
      return restrictedHistory ? redactHistoryResult(result) : result;
    } catch (error) {
      // A write's query over a resource limit says which, as a read's does.
      throw limitFailure(error) ?? error;
    } finally {
      // DDL may have dropped, created or moved a name (even when it failed part way): later requests must see it now, not after the memo's TTL.
      if (!isWrite(statement) && statement.kind !== 'describeHistory') this.lookup.invalidate();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * A writer with grants writes only granted tables, and only unrestricted ones: a
   * column list or row filter would have to hold for the rows written too, which the
   * lake's DML cannot enforce yet.
   */
  private async checkWriteGrant(principal: Principal, statement: WriteStatement): Promise<void> {
    if (principal.grants === null) return;
    const ref = statement.kind === 'merge' ? statement.target : statement.name;
    // Not granted: TableNotFoundError, as for reads.
    const target = await this.resolver(principal).resolveTable(ref.schema, ref.table);
    if (typeof target !== 'string') {
      throw new ForbiddenError(
        `${statement.kind.toUpperCase()} on ${ref.table} is not allowed for token "${principal.name}": its access to the table is limited to some columns or rows, and writes under such a grant are not supported.`,
        { table: ref.table, role: principal.role },
      );
    }
  }

  private resolver(principal: Principal): GrantResolver {
    return new GrantResolver(this.lookup, principal);
  }

  private maxRowsOf(request: QueryRequest): number {
    return Math.max(0, Math.min(request.maxRows ?? this.limits.maxRows, this.limits.maxRows));
  }

  private timeoutOf(request: QueryRequest): number {
    return Math.max(1, Math.min(request.timeoutMs ?? this.limits.queryTimeoutMs, this.limits.queryTimeoutMs));
  }
}

function describe(statement: Statement): string {
  return statement.kind.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).toUpperCase();
}
