/**
 * Which chart shows a result best, from its column types alone (DuckDB type names as
 * `/v1/sql` reports them): a time or date column with numbers is a line over time,
 * text with numbers is bars per category, two numbers are a scatter. The user may ask
 * for another kind; it is honoured when the columns allow it.
 */
export const ChartKind = { line: 'line', bar: 'bar', scatter: 'scatter' } as const;
export type ChartKind = (typeof ChartKind)[keyof typeof ChartKind];

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

export type ColumnRole = 'number' | 'time' | 'text';

export type ChartChoice =
  | {
      readonly kind: ChartKind;
      /** The x axis's column and how to scale it. */
      readonly x: string;
      readonly xRole: ColumnRole;
      /** One series per column. */
      readonly y: readonly string[];
      /** The kinds these columns allow (for the switcher). */
      readonly available: readonly ChartKind[];
    }
  | { readonly kind: 'none'; readonly reason: string; readonly available: readonly ChartKind[] };

/** Series drawn at most: more lines than this are noise. */
const MAX_SERIES = 6;

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)\b/;
const TIME = /^(DATE|TIME)/;

export function columnRole(type: string): ColumnRole {
  const upper = type.trim().toUpperCase();
  // A list (`INTEGER[]`) or a nested type is drawn as text, whatever it holds.
  if (upper.endsWith(']') || /^(STRUCT|MAP|UNION|LIST)\b/.test(upper)) return 'text';
  if (NUMBER.test(upper)) return 'number';
  if (TIME.test(upper)) return 'time';
  return 'text';
}

export function chooseChart(columns: readonly ResultColumn[], preferred?: ChartKind): ChartChoice {
  const numbers = columns.filter((c) => columnRole(c.type) === 'number').map((c) => c.name);
  const time = columns.find((c) => columnRole(c.type) === 'time')?.name;
  const text = columns.find((c) => columnRole(c.type) === 'text')?.name;
  const available: ChartKind[] = [];
  if (numbers.length >= 1 && (time !== undefined || text !== undefined || numbers.length >= 2))
    available.push('line', 'bar');
  if (numbers.length >= 2) available.push('scatter');
  if (available.length === 0)
    return {
      kind: 'none',
      reason:
        numbers.length === 0
          ? 'A chart needs a numeric column; this result has none.'
          : 'A chart needs a second column (a time, a category or another number) to plot the numbers against.',
      available,
    };
  const natural: ChartKind = time !== undefined ? 'line' : text !== undefined ? 'bar' : 'scatter';
  const kind = preferred !== undefined && available.includes(preferred) ? preferred : natural;
  if (kind === 'scatter') return { kind, x: numbers[0]!, xRole: 'number', y: [numbers[1]!], available };
  // Line and bar: against time, else a category, else the first number.
  const x = time ?? text ?? numbers[0]!;
  const xRole: ColumnRole = time !== undefined ? 'time' : text !== undefined ? 'text' : 'number';
  return { kind, x, xRole, y: numbers.filter((n) => n !== x).slice(0, MAX_SERIES), available };
}
