/**
 * Quoting for SQL text that Strata builds for DuckDB: identifiers in double quotes and
 * string literals in single quotes, each with its quote character doubled, so a name or
 * value can never end the quoted span it is written in.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
