/**
 * Names of files in `_delta_log/` (PROTOCOL.md, "Delta Log Entries" and "Checkpoints").
 */
export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;

export type LogFile =
  | { readonly kind: 'commit'; readonly version: number }
  | { readonly kind: 'checkpoint'; readonly version: number; readonly format: 'classic' }
  | {
      readonly kind: 'checkpoint';
      readonly version: number;
      readonly format: 'multipart';
      readonly part: number;
      readonly parts: number;
    }
  | {
      readonly kind: 'checkpoint';
      readonly version: number;
      readonly format: 'v2';
      readonly encoding: 'json' | 'parquet';
    };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

/** Parses a file name (not a path) in `_delta_log/`; undefined for anything else (.crc, compactions, ...). */
export function parseLogFileName(name: string): LogFile | undefined {
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]) };
  m = CLASSIC.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), format: 'classic' };
  m = MULTIPART.exec(name);
  if (m)
    return { kind: 'checkpoint', version: Number(m[1]), format: 'multipart', part: Number(m[2]), parts: Number(m[3]) };
  m = V2.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), format: 'v2', encoding: m[2] as 'json' | 'parquet' };
  return undefined;
}

export function padVersion(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitKey(version: number): string {
  return `${LOG_DIR}/${padVersion(version)}.json`;
}

export function classicCheckpointKey(version: number): string {
  return `${LOG_DIR}/${padVersion(version)}.checkpoint.parquet`;
}
