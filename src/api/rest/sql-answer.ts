/**
 * Answering one SQL statement of `/v1/sql` (POST) or `/v1/sql/export` (GET): the
 * statement gets an id (the client's `x-strata-query-id`, or a new one sent back in
 * that header); a query can be cancelled under it by its owner, and is cancelled when
 * its client goes away (other statements run to their end). Every statement's outcome
 * is recorded in the principal's query history before the response ends. Queries answer in the negotiated format: NDJSON and CSV are streamed
 * batch by batch, JSON (`{columns, rows, rowCount, truncated}`) and Parquet buffered
 * (the row limit bounds them); other statements go to QueryService.execute, which
 * refuses what the role may not do.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStrataError } from '../../core/index.js';
import { parseStatement, splitStatements, type StatementResult } from '../../engine/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { BadRequestError } from '../errors.js';
import type { QueryHistory, QueryStatus } from '../sql/query-history-store.js';
import type { QueryRequest, QueryStream } from '../../engine/index.js';
import type { RunningQueries } from '../sql/running-queries.js';
import { encodeRows } from './formats-body.js';
import { CONTENT_TYPES, type RowFormat } from './formats-negotiation.js';
import { csvHeader, csvLines, ndjsonLines, rowObject } from './formats-writers.js';
import { announce } from './sql-announce.js';

export const QUERY_ID_HEADER = 'x-strata-query-id';

export interface SqlTools {
  readonly running: RunningQueries;
  readonly history: QueryHistory;
}

export interface SqlAsk {
  readonly text: string;
  readonly format: RowFormat;
  readonly maxRows: number;
  /** Answer as a file to save (Content-Disposition: attachment). */
  readonly download: boolean;
  /** Refuse anything but a query (GET must not write). */
  readonly queriesOnly: boolean;
}

const EXTENSIONS: Readonly<Record<RowFormat, string>> = {
  json: 'json',
  ndjson: 'ndjson',
  csv: 'csv',
  parquet: 'parquet',
};

export async function answerSql(
  ctx: ApiContext,
  tools: SqlTools,
  request: FastifyRequest,
  reply: FastifyReply,
  ask: SqlAsk,
): Promise<unknown> {
  const principal = principalOf(request);
  const statements = splitStatements(ask.text);
  if (statements.length !== 1)
    throw new BadRequestError(`Send one statement per request; the text has ${statements.length}.`, {
      statements: statements.length,
    });
  const text = statements[0]!;
  const requested = request.headers[QUERY_ID_HEADER];
  const handle = tools.running.start(principal, typeof requested === 'string' ? requested : undefined);
  reply.header(QUERY_ID_HEADER, handle.id);
  // A client that goes away mid-query (closed tab, Cancel in a script) frees DuckDB at once.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) handle.abort();
  });
  const started = new Date();
  let recorded = false;
  const finish = async (rowCount: number | null, error?: unknown): Promise<void> => {
    if (recorded) return;
    recorded = true;
    handle.done();
    const code = error === undefined ? null : isStrataError(error) ? error.code : 'INTERNAL';
    const cancelled = code === 'API_QUERY_CANCELLED' || (code === null && handle.signal.aborted);
    const status: QueryStatus = cancelled ? 'cancelled' : code === null ? 'ok' : 'error';
    await tools.history
      .record(principal.name, {
        sql: text,
        startedAt: started,
        durationMs: Date.now() - started.getTime(),
        rowCount,
        status,
        errorCode: code,
      })
      .catch((failure: unknown) => request.log.warn({ err: failure }, 'could not record the query in its history'));
  };
  try {
    const statement = parseStatement(text);
    if (ask.queriesOnly && (statement.kind !== 'query' || statement.explain))
      throw new BadRequestError(
        'Only a query (SELECT, WITH, ...) can be exported; run other statements with POST /v1/sql.',
      );
    if (statement.kind !== 'query') {
      // Writes, DDL and maintenance run to their end (a commit is not interrupted half way):
      // they are not cancellable, so a cancel of their id says there is no such query.
      handle.done();
      const result = await ctx.queries.execute(principal, text);
      announce(ctx, statement, result);
      await finish(result.rowCount);
      return statementBody(result);
    }
    const query: QueryRequest = {
      principal,
      sql: text,
      maxRows: ask.maxRows,
      timeoutMs: ctx.limits.queryTimeoutMs,
      signal: handle.signal,
    };
    reply.header('content-type', CONTENT_TYPES[ask.format]).header('x-strata-max-rows', String(ask.maxRows));
    if (ask.download)
      reply.header(
        'content-disposition',
        `attachment; filename="strata-query-${started.toISOString().replace(/[:.]/g, '-')}.${EXTENSIONS[ask.format]}"`,
      );
    if (ask.format === 'ndjson' || ask.format === 'csv') {
      // Started before the response, so a bad query is still a 4xx rather than a cut stream.
      const stream = await ctx.queries.stream(query);
      return await reply.send(Readable.from(lines(stream, ask.format, finish)));
    }
    const result = await ctx.queries.run(query);
    await finish(result.rowCount);
    if (ask.format === 'parquet') return await reply.send(await encodeRows('parquet', result.columns, result.rows));
    const body = {
      columns: result.columns,
      rows: result.rows.map((r) => rowObject(result.columns, r)),
      rowCount: result.rowCount,
      truncated: result.truncated,
    };
    return await reply.send(Buffer.from(JSON.stringify(body)));
  } catch (error) {
    await finish(null, error);
    throw error;
  }
}

/** The stream's batches as NDJSON or CSV text; the query's resources go when the stream ends or breaks. */
async function* lines(
  stream: QueryStream,
  format: Extract<RowFormat, 'ndjson' | 'csv'>,
  finish: (rowCount: number | null, error?: unknown) => Promise<void>,
): AsyncGenerator<string> {
  let rows = 0;
  let failure: unknown;
  try {
    if (format === 'csv') yield csvHeader(stream.columns);
    for await (const batch of stream) {
      rows += batch.length;
      yield format === 'csv' ? csvLines(batch) : ndjsonLines(stream.columns, batch);
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await stream.close();
    await finish(failure === undefined ? rows : null, failure);
  }
}

function statementBody(result: StatementResult): Record<string, unknown> {
  return {
    statement: result.statement,
    ...(result.message === undefined ? {} : { message: result.message }),
    ...(result.version === undefined ? {} : { version: result.version }),
    columns: result.columns,
    rows: result.rows.map((r) => rowObject(result.columns, r)),
    rowCount: result.rowCount,
  };
}
