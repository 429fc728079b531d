/**
 * Which files OPTIMIZE rewrites, and grouped how (Delta's OptimizeExecutor rules).
 *
 * Compaction: per partition, the candidates are files smaller than `minFileSize` and
 * files whose deletion vector hides more than `maxDeletedRowsRatio` of their rows. They
 * are taken smallest first into bins of at most `maxFileSize` bytes; each bin becomes
 * one new file. A bin holding a single file is left alone (rewriting it would change
 * nothing) unless that file has a deletion vector, whose deleted rows the rewrite purges.
 *
 * Z-order: every file of a partition is a candidate and the whole partition is one bin,
 * however large; it is re-sorted and cut into ⌈bytes / maxFileSize⌉ files.
 */
import type { AddFile, PartitionValues } from '../log/actions.js';

export interface BinPlanOptions {
  readonly maxFileSize: number;
  readonly minFileSize: number;
  readonly maxDeletedRowsRatio: number;
  readonly zorder: boolean;
}

export interface Bin {
  readonly partitionValues: PartitionValues;
  readonly files: readonly AddFile[];
  /** Sum of the files' sizes. */
  readonly bytes: number;
}

export interface BinPlan {
  readonly bins: readonly Bin[];
  /** Files that were candidates for rewriting (before single-file bins are dropped). */
  readonly consideredFiles: number;
}

export function planBins(files: readonly AddFile[], options: BinPlanOptions): BinPlan {
  const partitions = new Map<string, AddFile[]>();
  let consideredFiles = 0;
  for (const file of files) {
    if (!options.zorder && !isCompactionCandidate(file, options)) continue;
    consideredFiles++;
    const key = partitionKey(file.partitionValues);
    const list = partitions.get(key);
    if (list) list.push(file);
    else partitions.set(key, [file]);
  }
  const bins: Bin[] = [];
  for (const key of [...partitions.keys()].sort()) {
    const members = partitions.get(key)!;
    if (options.zorder) {
      bins.push(makeBin(members));
      continue;
    }
    let current: AddFile[] = [];
    let currentBytes = 0;
    for (const file of [...members].sort((a, b) => a.size - b.size || a.path.localeCompare(b.path))) {
      if (current.length > 0 && currentBytes + file.size > options.maxFileSize) {
        bins.push(makeBin(current));
        current = [];
        currentBytes = 0;
      }
      current.push(file);
      currentBytes += file.size;
    }
    if (current.length > 0) bins.push(makeBin(current));
  }
  return {
    bins: options.zorder ? bins : bins.filter((bin) => bin.files.length > 1 || bin.files.some((f) => f.deletionVector)),
    consideredFiles,
  };
}

function isCompactionCandidate(file: AddFile, options: BinPlanOptions): boolean {
  if (file.size < options.minFileSize) return true;
  const deleted = file.deletionVector?.cardinality ?? 0;
  if (deleted === 0) return false;
  const records = numRecords(file);
  return records === undefined || deleted > records * options.maxDeletedRowsRatio;
}

function makeBin(files: readonly AddFile[]): Bin {
  return { partitionValues: files[0]!.partitionValues, files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** The physical row count from the file's stats, when it has them. */
export function numRecords(file: AddFile): number | undefined {
  if (!file.stats) return undefined;
  const n = (JSON.parse(file.stats) as { numRecords?: unknown }).numRecords;
  return typeof n === 'number' ? n : undefined;
}

function partitionKey(values: PartitionValues): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k] ?? null]),
  );
}
