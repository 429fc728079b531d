/**
 * A warehouse is a directory with a `strata.json`: the lake root (`lake/`) holding
 * managed tables, and the metadata database (embedded in `meta/`, or a PostgreSQL
 * server). Commands find it through STRATA_WAREHOUSE, or by walking up from the
 * working directory to the nearest `strata.json`, as git finds `.git`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MetaKind } from '../meta/index.js';
import { WarehouseConfigError, WarehouseNotFoundError } from './errors.js';

export const WAREHOUSE_CONFIG_FILE = 'strata.json';
export const WAREHOUSE_ENV = 'STRATA_WAREHOUSE';
export const LAKE_DIRECTORY = 'lake';

export interface WarehouseConfig {
  readonly format: 1;
  /** Identifies the warehouse; the metadata database records it, so a database is never used with another warehouse. */
  readonly id: string;
  readonly createdAt: string;
  /** Where the metadata lives. A server's URL is not stored here (it may hold a password): STRATA_DATABASE_URL. */
  readonly metadata: MetaKind;
}

export interface Warehouse {
  /** The warehouse directory (absolute). */
  readonly directory: string;
  /** The lake root, where managed tables live: `<directory>/lake`. */
  readonly lakeRoot: string;
  readonly config: WarehouseConfig;
}

export function warehouseAt(directory: string, config: WarehouseConfig): Warehouse {
  const absolute = path.resolve(directory);
  return { directory: absolute, lakeRoot: path.join(absolute, LAKE_DIRECTORY), config };
}

/** Reads the warehouse in `directory`; undefined when it has no strata.json. */
export function readWarehouse(directory: string): Warehouse | undefined {
  const file = path.join(directory, WAREHOUSE_CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  let value: Partial<WarehouseConfig>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Partial<WarehouseConfig>;
  } catch (error) {
    throw new WarehouseConfigError(
      `${file} is not valid JSON: ${(error as Error).message}`,
      { file },
      { cause: error },
    );
  }
  if (
    value.format !== 1 ||
    typeof value.id !== 'string' ||
    (value.metadata !== MetaKind.embedded && value.metadata !== MetaKind.server)
  ) {
    throw new WarehouseConfigError(
      `${file} is not a Strata warehouse configuration this version understands (format ${String(value.format)}); it needs format 1, an id and metadata "embedded" or "server".`,
      { file },
    );
  }
  return warehouseAt(directory, {
    format: 1,
    id: value.id,
    createdAt: String(value.createdAt ?? ''),
    metadata: value.metadata,
  });
}

/** Writes strata.json atomically (a reader sees the old file or the whole new one). */
export function writeWarehouseConfig(directory: string, config: WarehouseConfig): void {
  const file = path.join(directory, WAREHOUSE_CONFIG_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(temporary, file);
}

export interface FindOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The warehouse named by STRATA_WAREHOUSE, else the nearest one at or above `cwd`. */
export function findWarehouse(options: FindOptions = {}): Warehouse {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const named = (options.env ?? process.env)[WAREHOUSE_ENV];
  if (named) {
    const directory = path.resolve(cwd, named);
    const warehouse = readWarehouse(directory);
    if (!warehouse)
      throw new WarehouseNotFoundError(
        `${WAREHOUSE_ENV} names ${directory}, which is not a warehouse (it has no ${WAREHOUSE_CONFIG_FILE}). Create it with \`strata init ${directory}\` or fix the variable.`,
        { directory },
      );
    return warehouse;
  }
  for (let directory = cwd; ; directory = path.dirname(directory)) {
    const warehouse = readWarehouse(directory);
    if (warehouse) return warehouse;
    if (path.dirname(directory) === directory) break;
  }
  throw new WarehouseNotFoundError(
    `No Strata warehouse at or above ${cwd} (no ${WAREHOUSE_CONFIG_FILE} found). Create one with \`strata init [DIR]\`, or set ${WAREHOUSE_ENV} to its directory.`,
    { cwd },
  );
}
