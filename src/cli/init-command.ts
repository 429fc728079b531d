/** `strata init [DIR]`: makes DIR (default: the current directory) a warehouse. */
import type { Command } from 'commander';
import { initWarehouse } from '../catalog/index.js';
import { moduleMigrations } from './metadata-modules.js';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create a warehouse: a lake root and a metadata database (embedded PGlite, or STRATA_DATABASE_URL)')
    .argument('[dir]', 'the warehouse directory', '.')
    .action(async (dir: string) => {
      const result = await initWarehouse(dir, { migrations: await moduleMigrations() });
      const applied = result.migrations.applied.length;
      process.stdout.write(
        `${result.created ? 'created' : 'already a'} warehouse at ${result.warehouse.directory}` +
          ` (lake: ${result.warehouse.lakeRoot}; metadata: ${result.warehouse.config.metadata}${applied > 0 ? `, ${applied} migrations applied` : ''})\n`,
      );
    });
}
