/**
 * The resource limits of a server's queries, as `strata serve/up` flags set them:
 * DuckDB's side (memory, spill, threads, one value: engine query-limits.ts) and the
 * server's side (one value, one result, all results at once: result-limits.ts).
 */
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../sandbox/query-limits.js';
import type { ResultLimits } from './result-limits.js';

export interface QueryResourceLimits extends ResultLimits {
  /** DuckDB memory for all queries together (`--query-memory-mb`). */
  readonly queryMemoryBytes: number;
  /** Disk DuckDB may spill to beyond that (`--query-spill-mb`). */
  readonly querySpillBytes: number;
  /** DuckDB threads for all queries (`--query-threads`). */
  readonly queryThreads: number;
}

const MIB = 1024 * 1024;

/** Safe on a small machine: DuckDB and held results together stay around 1 GB whatever clients send. */
export const DEFAULT_QUERY_RESOURCE_LIMITS: QueryResourceLimits = {
  queryMemoryBytes: DEFAULT_SANDBOX_LIMITS.memoryBytes,
  querySpillBytes: DEFAULT_SANDBOX_LIMITS.spillBytes,
  queryThreads: DEFAULT_SANDBOX_LIMITS.threads,
  maxValueBytes: DEFAULT_SANDBOX_LIMITS.maxValueBytes,
  maxResultBytes: 128 * MIB,
  resultMemoryBytes: 512 * MIB,
};

export function sandboxLimits(limits: QueryResourceLimits): SandboxLimits {
  return {
    memoryBytes: limits.queryMemoryBytes,
    spillBytes: limits.querySpillBytes,
    threads: limits.queryThreads,
    maxValueBytes: limits.maxValueBytes,
  };
}
