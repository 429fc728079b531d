/**
 * EXPLAIN for queries over lake tables: per delta_scan, the files and bytes data
 * skipping kept and what skipped the others (partition values, column stats, join
 * keys), then DuckDB's own plan of the bound query.
 */
import { formatBytes } from '../../core/index.js';
import { quoteIdent } from '../../lake/index.js';
import { withDeltaSql, type DeltaSqlOptions, type ScanReport } from '../sql/delta-scan-sql.js';
import { UnsupportedStatementError } from '../errors.js';
import { significant, tokenize } from '../sql/sql-tokenizer.js';

export interface ExplainOptions extends DeltaSqlOptions {
  /** Run the query and show DuckDB's profile (EXPLAIN ANALYZE); implied by `EXPLAIN ANALYZE` in the text. */
  readonly analyze?: boolean;
}

export interface ExplainResult {
  /** The scans' skipping summary followed by DuckDB's plan, ready to print. */
  readonly text: string;
  readonly scans: readonly ScanReport[];
  /** DuckDB's plan alone. */
  readonly plan: string;
}

/** Explains one query (with or without a leading `EXPLAIN [ANALYZE]`). */
export async function explainSql(sql: string, options: ExplainOptions = {}): Promise<ExplainResult> {
  const { query, analyze } = stripExplain(sql);
  return withDeltaSql(query, options, async (bound) => {
    const reader = await bound.connection.runAndReadAll(
      `EXPLAIN ${analyze || options.analyze ? 'ANALYZE ' : ''}${bound.sql}`,
    );
    let plan = reader
      .getRowsJson()
      .map((row) => String(row[1] ?? ''))
      .join('\n')
      .trimEnd();
    // DuckDB names the generated views; show the calls the user wrote.
    for (const scan of bound.scans)
      plan = plan.split(quoteIdent(scan.view)).join(scan.call.text).split(scan.view).join(scan.call.text);
    const summary = bound.scans.map(describeScan).join('\n');
    return { text: summary ? `${summary}\n\n${plan}` : plan, scans: bound.scans, plan };
  });
}

/** The query of an `EXPLAIN [ANALYZE] <query>` text (a single statement). */
function stripExplain(sql: string): { query: string; analyze: boolean } {
  const tokens = significant(tokenize(sql));
  while (tokens.length > 0 && tokens[tokens.length - 1]!.text === ';') tokens.pop();
  if (tokens.length === 0) throw new UnsupportedStatementError('There is no query to explain: the SQL is empty.');
  const separator = tokens.find((t) => t.text === ';');
  if (separator)
    throw new UnsupportedStatementError(
      `Only one query can be explained, but the SQL has more than one statement (a ; at offset ${separator.start}).`,
      { offset: separator.start },
    );
  let first = 0;
  let analyze = false;
  if (/^explain$/i.test(tokens[0]!.text)) {
    first = 1;
    if (/^analy[sz]e$/i.test(tokens[1]?.text ?? '')) {
      analyze = true;
      first = 2;
    }
  }
  if (first >= tokens.length)
    throw new UnsupportedStatementError('EXPLAIN needs a query to explain, e.g. EXPLAIN SELECT ...');
  return { query: sql.slice(tokens[first]!.start, tokens[tokens.length - 1]!.end), analyze };
}

/** One scan's summary, e.g. `files: 100 total, 2 kept, 98 skipped (0 by partition, 98 by stats, 0 by join keys)`. */
export function describeScan(scan: ScanReport): string {
  const skipped = scan.filesTotal - scan.filesKept;
  const lines = [
    `${scan.call.text}${scan.alias ? ` AS ${scan.alias}` : ''} — ${scan.location} version ${scan.version}`,
    `  files: ${scan.filesTotal} total, ${scan.filesKept} kept, ${skipped} skipped` +
      ` (${scan.skippedByPartition} by partition, ${scan.skippedByStats} by stats, ${scan.skippedByJoin} by join keys)`,
    `  bytes: ${formatBytes(scan.bytesKept)} of ${formatBytes(scan.bytesTotal)}`,
  ];
  if (scan.filter) lines.push(`  filter: ${scan.filter}`);
  for (const join of scan.joins) {
    lines.push(
      `  join: ${join.column} = ${join.buildSide}.${join.buildColumn}: ${join.keys}; ${join.skipped} file${join.skipped === 1 ? '' : 's'} skipped`,
    );
  }
  return lines.join('\n');
}
