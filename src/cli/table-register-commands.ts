/**
 * `strata table register <name> <location>` and `strata table unregister <name>`: an
 * existing Delta table (written by Spark, delta-rs or `strata table create`) under a
 * catalog name, and the name removed again. Both change only the catalog: the table's
 * files are never written or deleted.
 */
import type { Command } from 'commander';
import { Catalog, TableKind } from '../catalog/index.js';
import { InvalidArgumentError } from '../core/index.js';

interface RegisterOptions {
  readonly warehouse?: string;
  readonly owner?: string;
}

const WAREHOUSE_HELP = 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)';

async function withCatalog<T>(warehouse: string | undefined, work: (catalog: Catalog) => Promise<T>): Promise<T> {
  const catalog = await Catalog.open(warehouse ? { warehouse } : {});
  try {
    return await work(catalog);
  } finally {
    await catalog.close();
  }
}

export function registerRegisterCommands(table: Command): void {
  table
    .command('register')
    .description(
      "name an existing Delta table in the warehouse's catalog (an external table: its files stay where they are)",
    )
    .argument('<name>', 'the catalog name, [schema.]table')
    .argument('<location>', "the Delta table's directory path or URI")
    .option('--owner <owner>', 'who owns the table (shown by SHOW TABLES)')
    .option('--warehouse <dir>', WAREHOUSE_HELP)
    .action(async (name: string, location: string, options: RegisterOptions) => {
      const registered = await withCatalog(options.warehouse, (catalog) =>
        catalog.registerExternal(name, location, options.owner ? { owner: options.owner } : {}),
      );
      process.stdout.write(`registered ${registered.name} at ${registered.location}\n`);
    });

  table
    .command('unregister')
    .description('remove an external table from the catalog (its files are left alone)')
    .argument('<name>', 'the catalog name, [schema.]table')
    .option('--warehouse <dir>', WAREHOUSE_HELP)
    .action(async (name: string, options: RegisterOptions) => {
      const removed = await withCatalog(options.warehouse, async (catalog) => {
        const found = await catalog.getTable(name);
        if (found.kind !== TableKind.external)
          throw new InvalidArgumentError(
            `Table ${found.name} is managed by the warehouse, not registered: drop it with \`strata sql "DROP TABLE ${found.name}"\` instead.`,
            { name: found.name },
          );
        return catalog.dropTable(found.name);
      });
      process.stdout.write(`unregistered ${removed!.name}; its files at ${removed!.location} are unchanged\n`);
    });
}
