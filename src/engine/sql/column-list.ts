/**
 * A table schema written as a DuckDB column list (`id BIGINT NOT NULL, name VARCHAR,
 * tags VARCHAR[]`), turned into a Delta schema. DuckDB itself parses the list (into a
 * temp table it then describes), so every type spelling and alias it accepts works
 * (`INT`, `TEXT`, `DECIMAL(10,2)`, `STRUCT(a INT)`, ...) and errors are DuckDB's own.
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, asError } from '../../core/index.js';
import {
  deltaTypeFromDuckdb,
  queryRows,
  quoteIdent,
  withConnection,
  type StructField,
  type StructType,
} from '../../lake/index.js';
import { significant, tokenize } from './sql-tokenizer.js';

export async function parseColumnList(columns: string): Promise<StructType> {
  const tokens = significant(tokenize(columns));
  if (tokens.length === 0)
    throw new InvalidArgumentError('The column list is empty; write it like "id BIGINT, name VARCHAR".');
  if (!balanced(tokens.map((t) => t.text))) {
    throw new InvalidArgumentError(`"${columns}" is not a column list; write it like "id BIGINT, name VARCHAR".`, {
      columns,
    });
  }
  const table = `__columns_${randomUUID().slice(0, 8)}`;
  const described = await withConnection(async (connection) => {
    try {
      await connection.run(`CREATE TEMP TABLE ${quoteIdent(table)} (${columns})`);
      return await queryRows(connection, `DESCRIBE temp.${quoteIdent(table)}`);
    } catch (error) {
      throw new InvalidArgumentError(
        `"${columns}" is not a valid column list: ${asError(error).message}`,
        { columns },
        { cause: error },
      );
    } finally {
      await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
    }
  });
  const fields = described.map((row): StructField => {
    const name = String(row.column_name);
    const duckdbType = String(row.column_type);
    try {
      return { name, type: deltaTypeFromDuckdb(duckdbType), nullable: row.null !== 'NO', metadata: {} };
    } catch (error) {
      throw new InvalidArgumentError(
        `Column "${name}" has DuckDB type ${duckdbType}, which has no Delta equivalent; choose another type.`,
        { column: name, type: duckdbType },
        { cause: error },
      );
    }
  });
  return { type: 'struct', fields };
}

/** Parentheses balance without ever closing more than were opened, and no statement ends inside. */
function balanced(texts: readonly string[]): boolean {
  let depth = 0;
  for (const text of texts) {
    if (text === '(') depth++;
    else if (text === ')' && --depth < 0) return false;
    else if (text === ';') return false;
  }
  return depth === 0;
}
