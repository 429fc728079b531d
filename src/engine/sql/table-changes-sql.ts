/**
 * `table_changes('<table>', from_version[, to_version])` in queries: the change data
 * feed of a named table (or a path) bound as a view, with the table's columns plus
 * `_change_type`, `_commit_version` and `_commit_timestamp`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DeltaTable, quoteIdent, tableChanges, type ChangeFeedBinding } from '../../lake/index.js';
import { matchingParen, splitArguments } from './delta-scan-calls.js';
import { DeltaScanArgumentError, SandboxViolationError } from '../errors.js';
import { locationOf, type TableResolver } from './named-tables.js';
import { significant, stringValue, tokenize } from './sql-tokenizer.js';

export interface BoundChanges {
  readonly sql: string;
  release(): Promise<void>;
}

export async function bindTableChanges(
  connection: DuckDBConnection,
  sql: string,
  resolver: TableResolver,
): Promise<BoundChanges> {
  const tokens = significant(tokenize(sql));
  const bindings: ChangeFeedBinding[] = [];
  const release = async () => {
    for (const binding of bindings) await binding.release();
  };
  let out = '';
  let at = 0;
  try {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (
        token.kind !== 'word' ||
        token.text.toLowerCase() !== 'table_changes' ||
        tokens[i + 1]?.text !== '(' ||
        tokens[i - 1]?.text === '.'
      )
        continue;
      const close = matchingParen(tokens, i + 1);
      const call = sql.slice(token.start, close === undefined ? sql.length : tokens[close]!.end);
      const args = close === undefined ? [] : splitArguments(tokens.slice(i + 2, close));
      const [name, from, to] = args;
      const number = (arg: typeof from) =>
        arg?.length === 1 && /^\d+$/.test(arg[0]!.text) ? Number(arg[0]!.text) : undefined;
      if (
        close === undefined ||
        name?.length !== 1 ||
        name[0]!.kind !== 'string' ||
        number(from) === undefined ||
        (to !== undefined && number(to) === undefined) ||
        args.length > 3
      ) {
        throw new DeltaScanArgumentError(
          `${call}: write table_changes('<table name or path>', <from version>[, <to version>]).`,
          { call },
        );
      }
      const tableText = stringValue(name[0]!);
      const [schema, table] =
        tableText.includes('.') && !tableText.includes('/')
          ? (tableText.split('.', 2) as [string, string])
          : [undefined, tableText];
      const resolved = await resolver.resolveTable(schema, table);
      if (typeof resolved === 'object' && (resolved.columns !== null || resolved.rowFilter !== null)) {
        // The feed has every column and row of each change: no restriction could apply to it.
        throw new SandboxViolationError(
          `${call}: the change feed of ${tableText} is not available to a reader whose access to it is limited to some columns or rows.`,
          { call, table: tableText, refused: 'table_changes' },
        );
      }
      const location = locationOf(resolved) ?? tableText;
      if (!(await DeltaTable.exists(location))) {
        throw new DeltaScanArgumentError(
          `${call}: "${tableText}" is neither a table in the catalog nor the path of a Delta table.`,
          { call, table: tableText },
        );
      }
      const feed = await tableChanges(location, number(from)!, number(to));
      const binding = await feed.bind(connection);
      bindings.push(binding);
      out += `${sql.slice(at, token.start)}${quoteIdent(binding.view)}`;
      at = tokens[close]!.end;
      i = close;
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { sql: out + sql.slice(at), release };
}
