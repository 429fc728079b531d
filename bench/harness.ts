/**
 * The benchmark harness: timing, side-by-side rounds, medians, the results table and
 * the JSON report.
 *
 * These machines are noisy, so performance is judged as a ratio of two things measured
 * in the same run on the same data (DESIGN.md, "How performance is judged"). `alternate`
 * interleaves the sides of a comparison round by round (ABBA order, so neither side
 * always runs first) instead of timing one side after the other.
 */
import { promises as fs } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';

/** A bound a result must meet: `max` (or `min`) is required; `aim` is the goal, printed only. */
export interface Bound {
  readonly max?: number;
  readonly min?: number;
  readonly aim?: number;
}

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly bound?: Bound;
  /** A short explanation printed under the table (what was compared, spread of samples). */
  readonly note?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(context: ScenarioContext): Promise<BenchResult[]>;
}

export interface Suite {
  readonly name: string;
  readonly scenarios: readonly Scenario[];
}

export interface ScenarioContext {
  /** A private, empty directory for this scenario's tables and files. */
  readonly workDir: string;
  /** Progress line on stderr (the table and the JSON are the results). */
  log(message: string): void;
  /** Suite-specific command-line options (`--train`, `--test`, `--folds` of the traces suite). */
  readonly args?: Readonly<Record<string, string | undefined>>;
}

/** Wall-clock and process CPU time (all threads, DuckDB's included) of one run. */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export async function measure(work: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export interface Side {
  readonly name: string;
  /** Untimed preparation before each run (e.g. an empty table to append to). */
  setup?(round: number): Promise<void>;
  /** The timed work. */
  run(round: number): Promise<void>;
  /** Untimed clean-up after each run (e.g. deleting what the run wrote). */
  teardown?(round: number): Promise<void>;
}

export interface AlternateOptions {
  readonly warmup: number;
  readonly rounds: number;
  readonly log?: (message: string) => void;
}

/**
 * Runs every side once per round, alternating the order (ABBA...), after `warmup`
 * untimed rounds. Returns each side's timed samples in round order.
 */
export async function alternate(sides: readonly Side[], options: AlternateOptions): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(sides.map((s) => [s.name, []]));
  const total = options.warmup + options.rounds;
  for (let round = 0; round < total; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    const line: string[] = [];
    for (const side of order) {
      await side.setup?.(round);
      const sample = await measure(() => side.run(round));
      await side.teardown?.(round);
      if (round >= options.warmup) samples.get(side.name)!.push(sample);
      line.push(`${side.name} ${sample.wallMs.toFixed(0)} ms`);
    }
    options.log?.(
      `${round < options.warmup ? 'warm-up' : `round ${round - options.warmup + 1}/${options.rounds}`}: ${line.join(', ')}`,
    );
  }
  return samples;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "min–max" of the values, for notes that show how noisy a figure was. */
export function spread(values: readonly number[], digits = 0): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

export const wall = (samples: readonly Sample[]): number[] => samples.map((s) => s.wallMs);
export const cpu = (samples: readonly Sample[]): number[] => samples.map((s) => s.cpuMs);

/** True/false when the result has a bound, undefined otherwise. */
export function passes(result: BenchResult): boolean | undefined {
  const { bound } = result;
  if (!bound || (bound.max === undefined && bound.min === undefined)) return undefined;
  return (
    (bound.max === undefined || result.value <= bound.max) && (bound.min === undefined || result.value >= bound.min)
  );
}

function boundText(bound: Bound | undefined): string {
  if (!bound) return '';
  const parts = [
    ...(bound.max !== undefined ? [`≤ ${bound.max}`] : []),
    ...(bound.min !== undefined ? [`≥ ${bound.min}`] : []),
    ...(bound.aim !== undefined ? [`(aim ${bound.max !== undefined ? '≤' : '≥'} ${bound.aim})`] : []),
  ];
  return parts.join(' ');
}

function formatValue(result: BenchResult): string {
  const v = result.value;
  if (!Number.isFinite(v)) return String(v);
  if (result.unit === 'ratio') return v.toFixed(3);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function verdict(result: BenchResult): string {
  const ok = passes(result);
  if (ok === undefined) return '';
  if (!ok) return 'FAIL';
  const aim = result.bound?.aim;
  const aimMet = aim === undefined || (result.bound?.max !== undefined ? result.value <= aim : result.value >= aim);
  return aimMet ? 'pass' : 'pass (aim missed)';
}

/** The results as an aligned text table, then the notes. */
export function formatTable(suite: string, results: readonly BenchResult[]): string {
  const header = ['name', 'value', 'unit', 'bound', 'result'];
  const rows = results.map((r) => [r.name, formatValue(r), r.unit, boundText(r.bound), verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const notes = results.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
  return [
    `suite ${suite}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(notes.length > 0 ? ['', 'notes:', ...notes] : []),
  ].join('\n');
}

export interface SuiteReport {
  readonly suite: string;
  readonly results: ReadonlyArray<{ name: string; value: number; unit: string; bound?: Bound; pass?: boolean }>;
  readonly environment: Readonly<Record<string, string | number>>;
}

export function suiteReport(suite: string, results: readonly BenchResult[]): SuiteReport {
  return {
    suite,
    results: results.map((r) => {
      const ok = passes(r);
      return {
        name: r.name,
        value: r.value,
        unit: r.unit,
        ...(r.bound ? { bound: r.bound } : {}),
        ...(ok !== undefined ? { pass: ok } : {}),
      };
    }),
    environment: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
  };
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
