/** `strata table history` and `strata table info`. */
import type { Command } from 'commander';
import { DeltaTable, type HistoryEntry } from '../lake/index.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';
import { summarize, summaryText } from './table-summary.js';
import { formatTable } from './text-table.js';

export function registerInspectCommands(table: Command): void {
  table
    .command('history')
    .description('list the commits of a table, newest first')
    .argument('<path>', 'the table: a directory path or URI')
    .option('--limit <n>', 'show at most this many commits', positiveInteger)
    .option('--json', 'print the entries as JSON')
    .action(async (path: string, options: { limit?: number; json?: boolean }) => {
      const entries = await (await DeltaTable.open(path)).history(options.limit);
      process.stdout.write(
        `${options.json ? JSON.stringify(entries.map(jsonEntry), null, 2) : historyText(entries)}\n`,
      );
    });

  table
    .command('info')
    .description('show version, schema, partitioning, properties, protocol, files and rows')
    .argument('<path>', 'the table: a directory path or URI')
    .option('--version <n>', 'describe this version instead of the latest', nonNegativeInteger)
    .option('--json', 'print as JSON')
    .action(async (path: string, options: { version?: number; json?: boolean }) => {
      const table = await DeltaTable.open(path, options.version === undefined ? {} : { version: options.version });
      const summary = await summarize(table.snapshot);
      process.stdout.write(`${options.json ? JSON.stringify(summary, null, 2) : summaryText(summary)}\n`);
    });
}

export function historyText(entries: readonly HistoryEntry[]): string {
  return formatTable(
    [
      { name: 'version', type: 'BIGINT' },
      { name: 'timestamp' },
      { name: 'operation' },
      { name: 'parameters' },
      { name: 'metrics' },
    ],
    entries.map((e) => [
      e.version,
      new Date(e.timestamp).toISOString(),
      e.operation,
      compact(e.operationParameters),
      compact(e.operationMetrics),
    ]),
  );
}

function jsonEntry(entry: HistoryEntry) {
  const { commitInfo: _raw, ...rest } = entry;
  return { ...rest, timestamp: new Date(entry.timestamp).toISOString() };
}

/** `{mode: 'Append'}` → `mode=Append`; nested values stay JSON. */
function compact(record: Readonly<Record<string, unknown>>): string {
  return Object.entries(record)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}
