/**
 * The machine's load around a measurement, for notes: these machines are shared, and a
 * ratio measured while other processes compete for the (two) cores is noisier.
 */
import { cpus, loadavg } from 'node:os';

/** Starts watching; `describe()` gives e.g. `1-min load average 0.4 → 2.9 on 2 cores`. */
export function watchLoad(): { describe(): string } {
  const before = loadavg()[0]!;
  return {
    describe: () => `1-min load average ${before.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  };
}
