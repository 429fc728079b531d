/**
 * Query results as an aligned plain-text table for a terminal: a header, a rule, one
 * line per row, numbers right-aligned. Cells are one line each (newlines escaped) and
 * cut at a maximum width, so one long value cannot wreck the layout.
 */

export interface TextColumn {
  readonly name: string;
  /** DuckDB type name; numeric types are right-aligned. */
  readonly type?: string;
}

const MAX_CELL = 60;
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

export function formatTable(columns: readonly TextColumn[], rows: readonly (readonly unknown[])[]): string {
  const header = columns.map((c) => cell(c.name));
  const body = rows.map((row) => columns.map((_, i) => cell(row[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const right = columns.map((c) => NUMERIC.test(c.type ?? ''));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => (right[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** "1 row", "3 rows", with thousands separators. */
export function countText(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

export function cell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? 'NULL'
      : typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  const flat = text.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}
