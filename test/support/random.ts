/** The project's seeded generator (mulberry32), so a failing random schedule can be replayed. */
export { seededRandom } from '../../src/core/index.js';

/** The seed from `envName` when set, else `fallback`, else a fresh one; always printed with the test's output. */
export function seedFrom(envName: string, fallback?: number): number {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv);
  return fallback ?? Math.floor(Math.random() * 2 ** 31);
}
