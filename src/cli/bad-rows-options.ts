/**
 * `--bad-rows fail|skip|quarantine` and `--rejects <file>` of `strata table create
 * --from` and `strata table append`: how rows of a CSV or JSON-lines input that do not
 * fit its header or the table are handled, and the lines that say what happened to them.
 */
import { Option, type Command } from 'commander';
import { BadRowsMode, defaultRejectsFile, type InputChecks, type InputReport } from '../lake/index.js';
import { countText } from './text-table.js';

export interface BadRowsOptions {
  readonly badRows?: BadRowsMode;
  readonly rejects?: string;
}

export function addBadRowsOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--bad-rows <mode>',
        'CSV/JSON-lines rows that do not fit the header or the table: fail (write nothing), skip them, or quarantine them to a side file',
      ).choices(Object.values(BadRowsMode)),
    )
    .option(
      '--rejects <file>',
      'where --bad-rows quarantine writes the rejected lines (default <input>.rejected.jsonl)',
    );
}

/** The checks for `input`; a usage error (exit 2) when --rejects comes with a mode that writes no side file. */
export function inputChecks(input: string, options: BadRowsOptions, command: Command): InputChecks {
  const mode = options.badRows ?? (options.rejects ? 'quarantine' : 'fail');
  if (options.rejects && mode !== 'quarantine')
    command.error(`error: --rejects only applies with --bad-rows quarantine, not --bad-rows ${mode}.`, { exitCode: 2 });
  const rejects = options.rejects ?? defaultRejectsFile(input);
  return {
    badRows: mode,
    ...(options.rejects ? { rejects: options.rejects } : {}),
    nextStep: `Fix the line, or run again with --bad-rows skip to leave bad rows out, or --bad-rows quarantine to write them to ${rejects} (--rejects <file> to choose).`,
  };
}

/** "skipped 2 bad lines (first: line 3: ...)" or "quarantined 2 bad lines to <file>"; nothing when none were bad. */
export function rejectsText(report: InputReport | undefined): string {
  const first = report?.rejected[0];
  if (!report || !first) return '';
  const lines = countText(report.rejected.length, 'bad line');
  const where = `line ${first.line}${first.column === undefined ? '' : `, column "${first.column}"`}: ${first.reason}`;
  if (report.quarantineFile) return `quarantined ${lines} to ${report.quarantineFile} (first: ${where})\n`;
  return `skipped ${lines} (first: ${where})\n`;
}
