/** `strata table vacuum` and `strata table checkpoint`. */
import type { Command } from 'commander';
import { formatBytes } from '../core/index.js';
import { DeltaTable, vacuum, writeCheckpoint } from '../lake/index.js';
import { nonNegativeNumber } from './option-parsers.js';
import { withProgress } from './progress-line.js';
import { countText } from './text-table.js';

interface VacuumCliOptions {
  readonly retain?: number;
  readonly dryRun?: boolean;
  readonly force?: boolean;
}

export function registerMaintenanceCommands(table: Command): void {
  table
    .command('vacuum')
    .description('delete data files no version within the retention period needs')
    .argument('<path>', 'the table: a directory path or URI')
    .option(
      '--retain <hours>',
      "keep what versions this many hours old need (default: the table's delta.deletedFileRetentionDuration, 7 days)",
      nonNegativeNumber,
    )
    .option('--dry-run', 'list the files that would be deleted, and delete nothing')
    .option('--force', "allow a retention shorter than the table's (breaks time travel to older versions)")
    .action(async (path: string, options: VacuumCliOptions) => {
      const snapshot = (await DeltaTable.open(path)).snapshot;
      const result = await withProgress((progress) =>
        vacuum(snapshot, {
          ...(options.retain !== undefined ? { retentionHours: options.retain } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.force ? { force: true } : {}),
          progress,
        }),
      );
      const files = countText(result.deleted.length, 'file');
      if (result.dryRun) {
        process.stdout.write(
          `would delete ${files} (retention ${result.retentionHours} hours)${result.deleted.length ? ':' : ''}\n`,
        );
        for (const key of result.deleted) process.stdout.write(`  ${key}\n`);
      } else {
        process.stdout.write(`deleted ${files} from ${snapshot.location} (retention ${result.retentionHours} hours)\n`);
      }
    });

  table
    .command('checkpoint')
    .description('write a checkpoint of the latest version, so readers need not replay the whole log')
    .argument('<path>', 'the table: a directory path or URI')
    .action(async (path: string) => {
      const snapshot = (await DeltaTable.open(path)).snapshot;
      const result = await writeCheckpoint(snapshot);
      process.stdout.write(
        `wrote the checkpoint of version ${result.version} of ${snapshot.location}: ${countText(result.numActions, 'action')}, ${countText(result.numOfAddFiles, 'live file')}, ${formatBytes(result.sizeInBytes)}\n`,
      );
    });
}
