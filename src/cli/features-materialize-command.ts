/**
 * `strata features materialize [views...] [--full]`: materializes feature views into the
 * online store (every applied view by default), reading only what was committed since
 * each view's watermark, with a progress line on stderr and one line (or JSON) per view.
 */
import type { Command } from 'commander';
import type { MaterializeResult } from '../features/index.js';
import { positiveInteger } from './option-parsers.js';
import { withProgress } from './progress-line.js';
import { formatTable } from './text-table.js';

interface MaterializeCliOptions {
  readonly warehouse?: string;
  readonly json?: boolean;
  readonly full?: boolean;
  readonly store?: string;
  readonly batchRows?: number;
}

export function registerMaterializeCommand(group: Command): void {
  group
    .command('materialize')
    .description('write feature views into the online store: what was committed since the last run (or all, --full)')
    .argument('[views...]', 'feature views (default: every applied view)')
    .option('--warehouse <dir>', 'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)')
    .option('--full', 'read every source whole, not only the commits since the last materialization')
    .option(
      '--store <url>',
      'the online store: redis://host:port or a directory (default: STRATA_ONLINE_STORE_URL, else <warehouse>/online)',
    )
    .option('--batch-rows <n>', 'rows per online write (default 10000)', positiveInteger)
    .option('--json', 'print JSON')
    .action(async (views: string[], options: MaterializeCliOptions) => {
      const features = await import('../features/index.js');
      const registry = await features.FeatureRegistry.open(
        options.warehouse === undefined ? {} : { warehouse: options.warehouse },
      );
      try {
        const url = features.resolveOnlineStoreUrl({
          warehouse: registry.catalog.warehouse.directory,
          ...(options.store === undefined ? {} : { url: options.store }),
        });
        const store = features.openOnlineStore(url);
        try {
          const results = await withProgress((progress) =>
            features.materialize(registry, views, {
              store,
              full: options.full === true,
              progress,
              ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
            }),
          );
          printResults(results, options.json === true);
        } finally {
          await store.close();
        }
      } finally {
        await registry.close();
      }
    });
}

function printResults(results: readonly MaterializeResult[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  if (results.length === 0) {
    process.stdout.write('no feature views applied (strata features apply)\n');
    return;
  }
  const version = (v: number | null) => (v === null ? '-' : String(v));
  const rows = results.map((r) => [
    r.view,
    r.kind,
    `${version(r.fromVersion)} -> ${version(r.toVersion)}`,
    String(r.rows),
    String(r.written),
    String(r.skipped),
    `${(r.durationMs / 1000).toFixed(1)}s`,
  ]);
  process.stdout.write(
    `${formatTable(
      ['view', 'read', 'watermark', 'rows', 'written', 'skipped', 'time'].map((name) => ({ name })),
      rows,
    )}\n`,
  );
}
