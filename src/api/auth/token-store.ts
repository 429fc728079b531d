/**
 * API tokens: `strata_<id>_<secret>`. The id is public (it names the token in logs and
 * `strata token list`); only SHA-256 of the secret is stored, so a copy of the metadata
 * database gives no usable token. Secrets are 32 random bytes, so a fast hash is
 * enough (no dictionary to attack). The plaintext is returned once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import type { AuthTables } from './auth-tables.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { API_ROLES, type ApiRole } from '../../catalog/index.js';

const TOKEN_PATTERN = /^strata_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface CreatedToken {
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  /** The whole token: shown once, never stored. */
  readonly token: string;
  readonly expiresAt: Date | null;
}

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface StoredToken extends TokenInfo {
  readonly secretHash: string;
}

export async function createToken(
  meta: MetaDatabase,
  options: { name: string; role: ApiRole; expiresInMs?: number },
): Promise<CreatedToken> {
  if (!API_ROLES.includes(options.role))
    throw new BadRequestError(`Unknown role "${options.role}": use one of ${API_ROLES.join(', ')}.`, {
      role: options.role,
    });
  if (!/^[\w.@-]{1,64}$/.test(options.name))
    throw new BadRequestError(`Token name "${options.name}" must be 1–64 letters, digits, '_', '.', '@' or '-'.`, {
      name: options.name,
    });
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = options.expiresInMs === undefined ? null : new Date(Date.now() + options.expiresInMs);
  const taken = await tokens(meta)
    .selectFrom('api_tokens')
    .select('id')
    .where('name', '=', options.name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (taken)
    throw new BadRequestError(`A token named "${options.name}" exists; revoke it first or choose another name.`, {
      name: options.name,
    });
  // A revoked token's name can be reused: the old row keeps its id under a retired name.
  await tokens(meta)
    .updateTable('api_tokens')
    .set({ name: sql<string>`name || '#' || id` })
    .where('name', '=', options.name)
    .where('revoked_at', 'is not', null)
    .execute();
  await tokens(meta)
    .insertInto('api_tokens')
    .values({ id, name: options.name, role: options.role, secret_hash: hashSecret(secret), expires_at: expiresAt })
    .execute();
  return { id, name: options.name, role: options.role, token: `strata_${id}_${secret}`, expiresAt };
}

/** Revokes a token by name or id; NotFoundError when there is no live one. */
export async function revokeToken(meta: MetaDatabase, nameOrId: string): Promise<TokenInfo> {
  const rows = await tokens(meta)
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .where('revoked_at', 'is', null)
    .returningAll()
    .execute();
  if (rows.length === 0)
    throw new NotFoundError(`No live token named "${nameOrId}" (see \`strata token list\`).`, { token: nameOrId });
  return toInfo(rows[0]!);
}

export async function listTokens(meta: MetaDatabase): Promise<TokenInfo[]> {
  const rows = await tokens(meta).selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
  return rows.map(toInfo);
}

/** The stored token a presented token string names, or undefined (malformed or unknown). Checks the secret. */
export async function findToken(meta: MetaDatabase, presented: string): Promise<StoredToken | undefined> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return undefined;
  const row = await tokens(meta).selectFrom('api_tokens').selectAll().where('id', '=', match[1]!).executeTakeFirst();
  if (!row) return undefined;
  const expected = Buffer.from(row.secret_hash, 'hex');
  const actual = Buffer.from(hashSecret(match[2]!), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { ...toInfo(row), secretHash: row.secret_hash };
}

export async function touchToken(meta: MetaDatabase, id: string): Promise<void> {
  await tokens(meta).updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toInfo(row: {
  id: string;
  name: string;
  role: ApiRole;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The database as API auth sees it: any module's view of it will do (tables are types only). */
function tokens(meta: MetaDatabase) {
  return meta.withTables<AuthTables>().db;
}
