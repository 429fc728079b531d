/**
 * The one small seeded generator (mulberry32: integer arithmetic only, so the same seed
 * gives the same numbers on every machine). The GBT trainer's subsampling, the gates'
 * bootstrap, monitoring's simulations, the sample data and the tests and benchmarks all
 * draw from it, so a recorded seed replays exactly.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
