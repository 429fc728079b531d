/** A SQL string literal (file paths in DuckDB statements). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
