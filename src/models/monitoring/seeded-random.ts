/**
 * A seeded generator for simulations, tests and benchmarks: every run prints its seed,
 * and the same seed replays the same numbers (Math.random cannot be seeded).
 */

import { seededRandom as uniform } from '../../core/index.js';

/** Random numbers from one seed (the formats module's mulberry32: fast, 32-bit state, fine for simulation). */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  let spare: number | undefined;
  const next = uniform(seed);
  return {
    seed,
    next,
    normal() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = next();
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int(n) {
      return Math.floor(next() * n);
    },
  };
}

/** n standard-normal draws shifted by `mean` and scaled by `sd`. */
export function normalSample(random: SeededRandom, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * random.normal();
  return out;
}
