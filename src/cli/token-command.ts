/**
 * `strata token create|revoke|list` and `strata grant set|remove|list`: API tokens
 * and per-role table grants, in the warehouse's metadata database. (On an embedded
 * warehouse owned by a running `strata up`/`serve`, use the server's /v1/admin routes.)
 */
import { InvalidArgumentError as UsageError, Option, type Command } from 'commander';
import type { ApiRole, GrantableRole } from '../api/index.js';
import { Catalog } from '../catalog/index.js';
import { columnNames } from './option-parsers.js';
import { formatTable } from './text-table.js';

interface WarehouseOption {
  readonly warehouse?: string;
}

const ROLES: readonly ApiRole[] = ['admin', 'writer', 'reader'];

/** The API module, loaded when a token command runs (see api-options.ts). */
const api = () => import('../api/index.js');

async function withCatalog<T>(options: WarehouseOption, work: (catalog: Catalog) => Promise<T>): Promise<T> {
  const migrations = [(await api()).AUTH_MIGRATIONS];
  const catalog = await Catalog.open({
    ...(options.warehouse === undefined ? {} : { warehouse: options.warehouse }),
    migrations,
  });
  try {
    return await work(catalog);
  } finally {
    await catalog.close();
  }
}

export function registerTokenCommands(program: Command): void {
  const warehouse = (command: Command) =>
    command.option(
      '--warehouse <dir>',
      'the warehouse (default: found from the current directory or STRATA_WAREHOUSE)',
    );
  const token = program.command('token').description('API tokens: create, revoke, list');

  warehouse(token.command('create').description('create a token (its secret is printed once; only a hash is stored)'))
    .requiredOption('--name <name>', 'a name for the token (shown in logs and lists)')
    .addOption(
      new Option(
        '--role <role>',
        'what it may do: admin (everything), writer (read and write tables, trigger flows), reader',
      )
        .choices([...ROLES])
        .default('reader'),
    )
    .option('--expires-in <duration>', 'e.g. 30d, 12h, 90m (default: never)', durationMs)
    .action((options: WarehouseOption & { name: string; role: ApiRole; expiresIn?: number }) =>
      withCatalog(options, async (catalog) => {
        const created = await (
          await api()
        ).createToken(catalog.meta, {
          name: options.name,
          role: options.role,
          ...(options.expiresIn === undefined ? {} : { expiresInMs: options.expiresIn }),
        });
        process.stdout.write(`${created.token}\n`);
        process.stderr.write(
          `token "${created.name}" (${created.role}${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ''}): copy it now, it is not shown again\n`,
        );
      }),
    );

  warehouse(
    token.command('revoke').description('revoke a token by name or id').argument('<token>', 'name or id'),
  ).action((name: string, options: WarehouseOption) =>
    withCatalog(options, async (catalog) => {
      const revoked = await (await api()).revokeToken(catalog.meta, name);
      process.stdout.write(`revoked token "${revoked.name}" (${revoked.id})\n`);
    }),
  );

  warehouse(token.command('list').description('tokens, never their secrets')).action((options: WarehouseOption) =>
    withCatalog(options, async (catalog) => {
      const rows = (await (await api()).listTokens(catalog.meta)).map((t) => [
        t.name,
        t.id,
        t.role,
        t.createdAt.toISOString(),
        t.expiresAt?.toISOString() ?? '',
        t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < new Date() ? 'expired' : 'live',
        t.lastUsedAt?.toISOString() ?? '',
      ]);
      process.stdout.write(
        `${formatTable(
          ['name', 'id', 'role', 'created', 'expires', 'state', 'last used'].map((name) => ({ name })),
          rows,
        )}\n`,
      );
    }),
  );

  const grant = program
    .command('grant')
    .description('per-role table grants: which tables (columns, rows) writers and readers see');
  warehouse(
    grant
      .command('set')
      .description('grant a role a table; once a role has a grant it sees only granted tables')
      .argument('<role>', 'writer or reader')
      .argument('<table>', 'the table'),
  )
    .option('--columns <a,b>', 'only these columns (default: all)', columnNames)
    .option('--where <predicate>', 'only rows matching this SQL predicate, e.g. "region = \'EU\'"')
    .action((role: GrantableRole, table: string, options: WarehouseOption & { columns?: string[]; where?: string }) =>
      withCatalog(options, async (catalog) => {
        const granted = await (
          await api()
        ).setGrant(catalog, { role, table, columns: options.columns ?? null, rowFilter: options.where ?? null });
        process.stdout.write(
          `granted ${role} ${granted.table}: columns ${granted.columns?.join(', ') ?? 'all'}; rows ${granted.rowFilter ?? 'all'}\n`,
        );
      }),
    );
  warehouse(
    grant.command('remove').description("remove a role's grant on a table").argument('<role>').argument('<table>'),
  ).action((role: GrantableRole, table: string, options: WarehouseOption) =>
    withCatalog(options, async (catalog) => {
      await (await api()).removeGrant(catalog, role, table);
      process.stdout.write(`removed the ${role} grant on ${table}\n`);
    }),
  );
  warehouse(grant.command('list').description('every grant')).action((options: WarehouseOption) =>
    withCatalog(options, async (catalog) => {
      const rows = (await (await api()).listGrants(catalog.meta)).map((g) => [
        g.role,
        g.table,
        g.columns?.join(', ') ?? 'all',
        g.rowFilter ?? 'all',
      ]);
      process.stdout.write(
        `${formatTable(
          ['role', 'table', 'columns', 'rows'].map((name) => ({ name })),
          rows,
        )}\n`,
      );
    }),
  );
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `90m`, `45s` → milliseconds. */
function durationMs(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) throw new UsageError(`expected a duration like 30d, 12h, 90m or 45s, not "${value}".`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
