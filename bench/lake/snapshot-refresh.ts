/**
 * snapshot_refresh_ms: bringing a cached snapshot of the 10,000-commit table up to date
 * after one new commit (the lake's snapshot door: list the log after the cached version,
 * read the one new commit, apply it), beside a full load of the same table in the same
 * run. Each round writes one more commit, then measures one refresh (or one full load).
 */
import { forgetSnapshots, loadSnapshot, openSnapshot } from '../../src/lake/index.js';
import { openStore } from '../../src/storage/index.js';
import { measure, median, spread, type BenchResult } from '../harness.js';

const WARMUP = 2;
const ROUNDS = 21;
const FULL_ROUNDS = 9;

export async function measureRefresh(
  location: string,
  firstNewVersion: number,
  writeCommit: (version: number) => Promise<void>,
  log: (message: string) => void,
): Promise<BenchResult[]> {
  const refresh: number[] = [];
  const refreshCpu: number[] = [];
  const full: number[] = [];
  forgetSnapshots();
  let version = firstNewVersion - 1;
  const expectVersion = (v: number, what: string) => {
    if (v !== version) throw new Error(`${what} reached version ${v}, expected ${version}`);
  };
  expectVersion((await openSnapshot(location)).version, 'the first open');
  // Refreshes first, then full loads: a full load leaves ~10,000 add actions of garbage
  // whose collection would otherwise land in the next refresh's sample.
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    version += 1;
    await writeCommit(version);
    const sample = await measure(async () => expectVersion((await openSnapshot(location)).version, 'refresh'));
    if (round >= WARMUP) {
      refresh.push(sample.wallMs);
      refreshCpu.push(sample.cpuMs);
    }
  }
  for (let round = 0; round < WARMUP + FULL_ROUNDS; round++) {
    version += 1;
    await writeCommit(version);
    const sample = await measure(async () =>
      expectVersion((await loadSnapshot(openStore(location))).version, 'full load'),
    );
    if (round >= WARMUP) full.push(sample.wallMs);
  }
  log(`refresh ${spread(refresh, 2)} ms (cpu ${spread(refreshCpu, 2)} ms); full load ${spread(full)} ms`);
  return [
    {
      name: 'snapshot_refresh_ms',
      value: median(refresh),
      unit: 'ms',
      bound: { max: 5 },
      note: `openSnapshot of the cached ${(firstNewVersion - 1).toLocaleString('en-US')}-commit table after one new commit; median of ${ROUNDS}; samples ${spread(refresh, 2)} ms, process CPU ${spread(refreshCpu, 2)} ms`,
    },
    {
      name: 'snapshot_refresh_full_load_ms',
      value: median(full),
      unit: 'ms',
      note: `full load (loadSnapshot, uncached) of the table one commit later, same run; median of ${FULL_ROUNDS}; samples ${spread(full)} ms`,
    },
    {
      name: 'snapshot_refresh_ratio_vs_full_load',
      value: median(refresh) / median(full),
      unit: 'ratio',
      note: 'snapshot_refresh_ms ÷ snapshot_refresh_full_load_ms',
    },
  ];
}
