/**
 * snapshot_refresh_ms: bringing a cached snapshot of the 10,000-commit table up to date
 * after one new commit (the lake's snapshot door: list the log after the cached version,
 * read the one new commit, apply it), beside a full load of the same version in the same
 * round. Each round writes one more commit, then measures the two in alternating order.
 */
import { forgetSnapshots, loadSnapshot, openSnapshot } from '../../src/lake/index.js';
import { openStore } from '../../src/storage/index.js';
import { measure, median, spread, type BenchResult } from '../harness.js';

const WARMUP = 2;
const ROUNDS = 15;

export async function measureRefresh(
  location: string,
  firstNewVersion: number,
  writeCommit: (version: number) => Promise<void>,
  log: (message: string) => void,
): Promise<BenchResult[]> {
  const refresh: number[] = [];
  const full: number[] = [];
  forgetSnapshots();
  let version = firstNewVersion - 1;
  const expectVersion = (v: number, what: string) => {
    if (v !== version) throw new Error(`${what} reached version ${v}, expected ${version}`);
  };
  expectVersion((await openSnapshot(location)).version, 'the first open');
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    version += 1;
    await writeCommit(version);
    const sides = [
      async () => {
        const sample = await measure(async () => expectVersion((await openSnapshot(location)).version, 'refresh'));
        return { refresh: sample.wallMs };
      },
      async () => {
        const sample = await measure(async () =>
          expectVersion((await loadSnapshot(openStore(location))).version, 'full load'),
        );
        return { full: sample.wallMs };
      },
    ];
    // Alternate which goes first, so neither always finds the file system warmer.
    const results = round % 2 === 0 ? [await sides[0]!(), await sides[1]!()] : [await sides[1]!(), await sides[0]!()];
    if (round < WARMUP) continue;
    for (const r of results) {
      if ('refresh' in r) refresh.push(r.refresh);
      else full.push(r.full);
    }
  }
  log(`refresh ${spread(refresh, 2)} ms; full load ${spread(full)} ms`);
  return [
    {
      name: 'snapshot_refresh_ms',
      value: median(refresh),
      unit: 'ms',
      bound: { max: 5 },
      note: `openSnapshot of the cached ${(firstNewVersion - 1).toLocaleString('en-US')}-commit table after one new commit; median of ${ROUNDS}; samples ${spread(refresh, 2)} ms`,
    },
    {
      name: 'snapshot_refresh_full_load_ms',
      value: median(full),
      unit: 'ms',
      note: `full load (loadSnapshot, uncached) of the same version in the same rounds; samples ${spread(full)} ms`,
    },
    {
      name: 'snapshot_refresh_ratio_vs_full_load',
      value: median(refresh) / median(full),
      unit: 'ratio',
      note: 'snapshot_refresh_ms ÷ snapshot_refresh_full_load_ms',
    },
  ];
}
