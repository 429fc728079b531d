/**
 * EXPLAIN for the API: DuckDB's plan of a query as bound (after the grant rewrite and
 * data skipping), with the engine's pruning report per table scan: files total, kept
 * and skipped, and by what (partition values, column stats, join keys). Scans are
 * named by their catalog table, never by location: where files live is an operator's
 * concern, and only admins see locations anywhere in the API.
 */
import { quoteIdent } from '../../lake/index.js';
import { localDirectory } from '../sandbox/sandbox-paths.js';
import type { BoundSql, ScanReport } from '../sql/delta-scan-sql.js';

export interface ExplainedScan {
  /** `schema.table`. */
  readonly table: string;
  readonly alias: string | null;
  readonly version: number;
  readonly filesTotal: number;
  readonly filesKept: number;
  readonly filesSkipped: number;
  readonly skippedByPartition: number;
  readonly skippedByStats: number;
  readonly skippedByJoin: number;
  readonly bytesTotal: number;
  readonly bytesKept: number;
  /** The conditions pruning used, as the engine understood them; null when none applied. */
  readonly filter: string | null;
}

export interface QueryExplain {
  /** DuckDB's plan, its views named by their tables. */
  readonly plan: string;
  readonly scans: readonly ExplainedScan[];
}

/** The plan and report of `bound`, with `names` (location → `schema.table`) for what the principal may see. */
export async function explainBound(bound: BoundSql, names: ReadonlyMap<string, string>): Promise<QueryExplain> {
  const reader = await bound.connection.runAndReadAll(`EXPLAIN ${bound.sql}`);
  let plan = reader
    .getRowsJson()
    .map((row) => String(row[1] ?? ''))
    .join('\n')
    .trimEnd();
  // A scan names its table by URL (file:///...), the catalog by path or URL: compare them as directories.
  const byPlace = new Map([...names].map(([location, name]) => [place(location), name]));
  const nameOf = (scan: ScanReport): string => byPlace.get(place(scan.location)) ?? 'table';
  for (const scan of bound.scans) {
    plan = plan.split(quoteIdent(scan.view)).join(nameOf(scan)).split(scan.view).join(nameOf(scan));
    plan = plan.split(scan.location).join(nameOf(scan));
  }
  for (const [location, name] of names) plan = plan.split(location).join(name);
  return {
    plan,
    scans: bound.scans.map((scan) => ({
      table: nameOf(scan),
      alias: scan.alias ?? null,
      version: scan.version,
      filesTotal: scan.filesTotal,
      filesKept: scan.filesKept,
      filesSkipped: scan.filesTotal - scan.filesKept,
      skippedByPartition: scan.skippedByPartition,
      skippedByStats: scan.skippedByStats,
      skippedByJoin: scan.skippedByJoin,
      bytesTotal: scan.bytesTotal,
      bytesKept: scan.bytesKept,
      filter: scan.filter ?? null,
    })),
  };
}

function place(location: string): string {
  return localDirectory(location) ?? location;
}
