/**
 * A child process that creates catalog tables: opens the catalog of a warehouse
 * (STRATA_DATABASE_URL in its environment), prints {"event":"ready"}, waits for GO
 * on stdin, creates every named table at once, then prints one result line per name
 * ({"name","ok"} or {"name","code"}) and exits.
 */
import { Catalog } from '../../../src/catalog/index.js';
import { StrataError } from '../../../src/core/index.js';
import { PEOPLE } from './fixtures.js';

const { warehouse, names } = JSON.parse(process.argv[2] ?? '{}') as { warehouse: string; names: string[] };
const say = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);

const catalog = await Catalog.open({ warehouse });
say({ event: 'ready' });
await new Promise<void>((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => chunk.includes('GO') && resolve());
  process.stdin.on('end', () => process.exit(3));
});
const results = await Promise.allSettled(names.map((name) => catalog.createTable(name, { schema: PEOPLE })));
results.forEach((r, i) =>
  say(
    r.status === 'fulfilled'
      ? { name: names[i], ok: true }
      : { name: names[i], code: r.reason instanceof StrataError ? r.reason.code : String(r.reason) },
  ),
);
await catalog.close();
process.exit(0);
