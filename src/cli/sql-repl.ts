/**
 * The interactive SQL shell: statements end with `;` and may span lines; history is
 * kept in ~/.strata_sql_history; `\d` lists tables, `\d <table>` describes one, `\q`
 * quits. A failing statement prints its error and the shell goes on.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { asError, isStrataError } from '../core/index.js';
import { runSql, significant, tokenize, type SqlSession } from '../engine/index.js';
import { cliMessage } from './cli-hints.js';
import { withoutWarehouseError } from './sql-errors.js';
import { printResult } from './sql-output.js';

const HISTORY_FILE = path.join(homedir(), '.strata_sql_history');
const HISTORY_SIZE = 1000;

export async function runRepl(session: SqlSession | undefined, maxRows: number): Promise<void> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    history: loadHistory(),
    historySize: HISTORY_SIZE,
    prompt: 'strata> ',
  });
  process.stdout.write(
    `Strata SQL shell${session ? ` (warehouse ${session.catalog.warehouse.directory})` : " (no warehouse: use delta_scan('<path>'))"}. End statements with ;  \\d lists tables, \\q quits.\n`,
  );
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (buffer === '' && trimmed.startsWith('\\')) {
      if (trimmed === '\\q') break;
      await run(session, metaCommand(trimmed), maxRows);
    } else {
      buffer += `${line}\n`;
      if (endsStatement(buffer)) {
        remember(buffer.trim());
        await run(session, buffer, maxRows);
        buffer = '';
      }
    }
    rl.setPrompt(buffer === '' ? 'strata> ' : '   ...> ');
    rl.prompt();
  }
  rl.close();
}

function metaCommand(command: string): string {
  const [name = '', argument] = command.split(/\s+/, 2);
  if (name === '\\d') return argument ? `DESCRIBE ${argument}` : 'SHOW TABLES';
  return `SELECT 'unknown command ${name.replace(/'/g, "''")}: \\d [table] or \\q' AS help`;
}

async function run(session: SqlSession | undefined, sql: string, maxRows: number): Promise<void> {
  try {
    if (session) for (const result of await session.execute(sql)) printResult(result);
    else {
      const result = await runSql(sql, { maxRows });
      printResult({ statement: 'query', columns: result.columns, rows: result.rows, rowCount: result.rowCount });
    }
  } catch (error) {
    const shown = asError(session ? error : withoutWarehouseError(error));
    process.stdout.write(`error: ${isStrataError(shown) ? cliMessage(shown) : shown.message}\n`);
  }
}

/** True when the last meaningful token is `;` (not inside a string or comment). */
export function endsStatement(text: string): boolean {
  const tokens = significant(tokenize(text));
  return tokens[tokens.length - 1]?.text === ';';
}

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY_FILE, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function remember(statement: string): void {
  try {
    appendFileSync(HISTORY_FILE, `${statement.replace(/\n/g, ' ')}\n`);
  } catch {
    // History is a convenience: a read-only home directory must not break the shell.
  }
}
