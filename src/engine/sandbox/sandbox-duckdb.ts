/**
 * A DuckDB instance for untrusted SQL, apart from the lake's shared one (which must
 * stay free to read checkpoints and write data files anywhere it is told to).
 *
 * Guarantees, enforced by DuckDB itself and verified by the sandbox tests: external
 * access is off except for the allowed directories (the lake root and the catalog's
 * external table locations), so no file elsewhere can be read, written, globbed or
 * attached; extensions are neither installed nor loaded automatically; and the
 * configuration is locked, so no statement can undo any of this (SET, RESET and
 * PRAGMA fail). Inside the allowed directories DuckDB would still read any file: the
 * statement check (sandbox-policy.ts) is what keeps user SQL to catalog table names,
 * so grants cannot be bypassed by reading a table's Parquet files directly. Memory,
 * spill space, threads and the size of one value are bounded (query-limits.ts).
 */
import { promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../lake/index.js';
import { DEFAULT_SANDBOX_LIMITS, guardMacros, limitSettings, type SandboxLimits } from './query-limits.js';
import { isInsideDirectory } from './sandbox-paths.js';

export class SandboxDuckdb {
  private constructor(
    private readonly instance: DuckDBInstance,
    /** Absolute directories DuckDB may read (and so the lake's scans can use). */
    readonly directories: readonly string[],
    private readonly spillDirectory: string,
  ) {}

  static async create(
    directories: readonly string[],
    limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  ): Promise<SandboxDuckdb> {
    const allowed = [...new Set(directories.map((d) => path.resolve(d)))];
    // DuckDB adds its temp (spill) directory to the allowed ones; a private one keeps
    // the process's working directory out of reach.
    const spill = await fs.mkdtemp(path.join(tmpdir(), 'strata-sandbox-'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // Order matters: directories before access is disabled, the lock last.
      for (const setting of [
        `temp_directory = ${quoteLiteral(spill)}`,
        `allowed_directories = [${allowed.map((d) => quoteLiteral(withSlash(d))).join(', ')}]`,
        'enable_external_access = false',
        'autoinstall_known_extensions = false',
        'autoload_known_extensions = false',
        'allow_community_extensions = false',
        // Delta timestamps are UTC instants, as in the lake's instance.
        "TimeZone = 'UTC'",
        // Lake data files never change once written (see delta-scan-sql.ts).
        'parquet_metadata_cache = true',
        // Memory, spill and threads for all of the instance's queries (query-limits.ts).
        ...limitSettings(limits),
        'lock_configuration = true',
      ])
        await connection.run(`SET GLOBAL ${setting}`);
      // Value-size guards over the built-ins that can build huge values (query-limits.ts).
      for (const macro of guardMacros(limits.maxValueBytes)) await connection.run(macro);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      rmSync(spill, { recursive: true, force: true });
      throw error;
    }
    connection.closeSync();
    return new SandboxDuckdb(instance, allowed, spill);
  }

  /** True when DuckDB may read everything under `directory`. */
  allows(directory: string): boolean {
    return this.directories.some((d) => isInsideDirectory(d, directory));
  }

  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  close(): void {
    this.instance.closeSync();
    rmSync(this.spillDirectory, { recursive: true, force: true });
  }
}

/** DuckDB matches allowed directories as path prefixes: without the slash `/lake` would allow `/lake2`. */
function withSlash(directory: string): string {
  return directory.endsWith(path.sep) ? directory : `${directory}${path.sep}`;
}
