/**
 * `strata/features` stays light: nothing it imports, however indirectly, loads DuckDB,
 * the metadata database, the lake or the orchestrator's machinery (only `strata/flows`'s
 * definitions) (a features/ file is imported by processes that
 * only need the definitions).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Flows files are allowed (materializeFlow builds a flow with the `strata/flows` light
// entry): the closure follows their imports too, so they must bring nothing heavy either.
const HEAVY = /^(@duckdb\/|@electric-sql\/|pg$|kysely$)|\/src\/(lake|duckdb|meta|engine|catalog)\//;

function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^(?:import|export)\s(?!type\b)(?:[^;']*?from\s+)?'([^']+)'/gms)) {
    const specifier = match[1]!;
    if (specifier.startsWith('.')) closure(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')), seen);
    else seen.add(specifier);
  }
  return seen;
}

describe('strata/features', () => {
  it('imports nothing heavy', () => {
    const entry = fileURLToPath(new URL('./define.ts', import.meta.url));
    const loaded = [...closure(entry)];
    expect(loaded.some((f) => f.endsWith('feature-definition.ts'))).toBe(true);
    expect(loaded.filter((f) => HEAVY.test(f))).toEqual([]);
    // Packages: only core's logger (pino), which the core module's entry brings, and the
    // flows' cron parser (croner, for a materialization schedule).
    const light = (f: string) => f.startsWith('/') || f.startsWith('node:') || f.startsWith('pino') || f === 'croner';
    expect(loaded.filter((f) => !light(f))).toEqual([]);
  });
});
