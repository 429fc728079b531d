/**
 * An embedded database used through the process that holds it (proxy-driver.ts).
 * Migrations are not run here: the holder ran its own at open, and DDL from a second
 * process must not race it. They are checked instead: every migration this process
 * knows must be applied already, and none unknown to it recorded for its modules;
 * otherwise the two processes run different versions of Strata, and this one refuses.
 * The database stays `proxied` for its whole life, also after this process took it
 * over from a holder that went away (it then serves the others in turn).
 */
import type { Kysely } from 'kysely';
import { MetaMigrationError } from './errors.js';
import { KyselyMetaDatabase, type OpenOptions } from './kysely-meta-database.js';
import { MetaKind, type MetaDatabase } from './meta-database.js';
import { orderSources, type MigrationSource } from './migration-source.js';
import type { MetaTables, MigrationReport } from './migrator.js';
import type { ProxyChannel } from './proxy-channel.js';
import { PostgresDriverDialect } from './pglite-dialect.js';
import { ProxyDriver, type Route } from './proxy-driver.js';
import type { ProxyHello } from './proxy-protocol.js';

export async function openProxiedMetaDatabase(
  channel: ProxyChannel,
  target: string,
  reopen: () => Promise<Route>,
  options: OpenOptions = {},
): Promise<MetaDatabase> {
  const driver = new ProxyDriver(channel, target, reopen);
  return KyselyMetaDatabase.open(
    {
      kind: MetaKind.proxied,
      // The same directory as when this process holds it: messages read the same either way.
      target,
      dialect: new PostgresDriverDialect(driver),
      transactionScope: (fn) => driver.gate.scope(fn),
      migrate: (db, sources) => checkMigrations(db, sources, target, channel.hello),
      close: () => driver.destroy(),
    },
    options,
  );
}

async function checkMigrations(
  db: Kysely<MetaTables>,
  sources: readonly MigrationSource[],
  target: string,
  owner: ProxyHello,
): Promise<MigrationReport> {
  const recorded = await db.selectFrom('strata_migrations').select(['name', 'module']).execute();
  const names = new Set(recorded.map((r) => r.name));
  const holder = `process ${owner.pid}${owner.command ? ` (${owner.command})` : ''}`;
  const ordered = orderSources(sources);
  for (const source of ordered) {
    const known = new Set(source.migrations.map((m) => m.id));
    const unknown = recorded.filter((r) => r.module === source.module && !known.has(r.name)).map((r) => r.name);
    if (unknown.length > 0) {
      throw new MetaMigrationError(
        `The metadata database ${target} has ${source.module} migrations this version of Strata does not know (${unknown.join(', ')}); it was probably written by a newer Strata, which ${holder} may be running. Upgrade Strata to use it.`,
        { target, module: source.module, unknown, ownerPid: owner.pid },
      );
    }
    const missing = source.migrations.filter((m) => !names.has(m.id)).map((m) => m.id);
    if (missing.length > 0) {
      throw new MetaMigrationError(
        `The metadata database ${target} is held by ${holder}, which has not applied the ${source.module} migrations ${missing.join(', ')} that this Strata needs: it runs an older version of Strata. ` +
          'Stop that process (or run the same Strata version in both), then run this command again.',
        { target, module: source.module, missing, ownerPid: owner.pid },
      );
    }
  }
  const all = ordered.flatMap((s) => s.migrations.map((m) => m.id));
  return { applied: [], current: all.at(-1) };
}
