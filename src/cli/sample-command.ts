/** `strata sample [DIR]`: writes the sample data set the README's story runs on. */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../core/index.js';
import { sampleFiles } from './sample-data.js';
import { countText } from './text-table.js';

export function registerSampleCommand(program: Command): void {
  program
    .command('sample')
    .description('write a small sample data set (customers, orders of January and February 2026) as CSV and JSON lines')
    .argument('[dir]', 'where the files go', './sample')
    .option('--force', 'overwrite sample files already there')
    .action(async (dir: string, options: { force?: boolean }) => {
      const files = sampleFiles();
      const existing = files.map((f) => path.join(dir, f.name)).filter((f) => existsSync(f));
      if (existing.length > 0 && !options.force)
        throw new InvalidArgumentError(
          `${existing.join(', ')} already exist; pass --force to overwrite them, or another directory.`,
          { existing },
        );
      await fs.mkdir(dir, { recursive: true });
      for (const file of files) {
        const target = path.join(dir, file.name);
        await fs.writeFile(target, file.text);
        process.stdout.write(`wrote ${target} (${countText(file.rows, 'row')})\n`);
      }
    });
}
