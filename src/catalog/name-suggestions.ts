/** "Did you mean ...?": the known names closest to a name that was not found. */
import { formatTableName, type TableName } from './table-name.js';

/** Up to `limit` formatted names of `candidates` close to `wanted` (by edit distance, ignoring case). */
export function suggestTables(wanted: TableName, candidates: readonly TableName[], limit = 3): string[] {
  const table = wanted.table.toLowerCase();
  const full = `${wanted.schema}.${wanted.table}`.toLowerCase();
  const threshold = Math.max(1, Math.floor(wanted.table.length / 3));
  return candidates
    .map((c) => {
      const tableDistance = editDistance(table, c.table.toLowerCase());
      const fullDistance = editDistance(full, `${c.schema}.${c.table}`.toLowerCase());
      const otherSchema = c.schema.toLowerCase() === wanted.schema.toLowerCase() ? 0 : 1;
      // Close in the table part (in any schema) or as a whole; nearest, then own schema, first.
      return {
        name: formatTableName(c),
        close: Math.min(tableDistance, fullDistance) <= threshold,
        rank: Math.min(tableDistance + otherSchema, fullDistance),
      };
    })
    .filter((s) => s.close)
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** Up to `limit` of `candidates` close to `wanted`. */
export function suggestNames(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const threshold = Math.max(1, Math.floor(wanted.length / 3));
  return candidates
    .map((name) => ({ name, distance: editDistance(wanted.toLowerCase(), name.toLowerCase()) }))
    .filter((s) => s.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** Edit distance counting a swap of two neighbouring characters as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const above = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
