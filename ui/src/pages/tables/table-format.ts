/** How the Tables page shows sizes, values and skipping reasons (pure, so testable without a browser). */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A cell value as text: NULL visibly, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An operation metric or parameter map as short `key: value` text. */
export function formatMetrics(metrics: Readonly<Record<string, unknown>> | undefined): string {
  if (!metrics) return '';
  return Object.entries(metrics)
    .map(([key, value]) => `${key}: ${formatValue(value)}`)
    .join(', ');
}

export interface SkippingReason {
  readonly kind: 'may-match' | 'no-stats' | 'empty' | 'ruled-out';
  readonly by?: 'partition' | 'stats';
  readonly evidence?: readonly { readonly kind: string; readonly column: string; readonly [key: string]: unknown }[];
}

/** Why a file was kept or skipped, in words. */
export function reasonText(reason: SkippingReason): string {
  switch (reason.kind) {
    case 'may-match':
      return 'may hold matching rows';
    case 'no-stats':
      return 'no statistics: must be read';
    case 'empty':
      return 'no rows';
    case 'ruled-out': {
      const parts = (reason.evidence ?? []).map((e) =>
        e.kind === 'partition'
          ? `partition ${e.column} = ${formatValue(e.value)}`
          : `${e.column} in [${formatValue(e.min)}, ${formatValue(e.max)}]` +
            (typeof e.nullCount === 'number' && e.nullCount > 0 ? `, ${e.nullCount} nulls` : ''),
      );
      return `ruled out by ${reason.by === 'partition' ? 'partition value' : 'column stats'}: ${parts.join('; ')}`;
    }
  }
}

/** The table name of a Tables path: `/tables/main/sales` and `/tables/main.sales` both name `main.sales`. */
export function tableNameOf(rest: readonly string[]): string | null {
  if (rest.length === 0) return null;
  return rest.length === 1 ? rest[0]! : `${rest[0]}.${rest[1]}`;
}

/** The path of a table's page. */
export function tablePath(schema: string, table: string): string {
  return `/tables/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;
}
