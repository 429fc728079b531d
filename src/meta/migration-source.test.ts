import { describe, expect, it } from 'vitest';
import { orderSources, type MigrationSource } from './migration-source.js';

const noop = async () => {};
const source = (module: string, ids: string[], dependsOn?: string[]): MigrationSource => ({
  module,
  ...(dependsOn ? { dependsOn } : {}),
  migrations: ids.map((id) => ({ id, up: noop })),
});

describe('orderSources', () => {
  it('puts every module after the modules it depends on, otherwise keeping the order given', () => {
    const ordered = orderSources([
      source('models', ['m1'], ['features', 'catalog']),
      source('auth', ['a1']),
      source('features', ['f1'], ['catalog']),
      source('catalog', ['c1', 'c2']),
    ]);
    expect(ordered.map((s) => s.module)).toEqual(['catalog', 'features', 'models', 'auth']);
  });

  it('refuses a missing dependency, a cycle, a module given twice and an id used twice', () => {
    expect(() => orderSources([source('flows', ['f1'], ['catalog'])])).toThrow(
      /META_MIGRATION.*flows depends on catalog, which is not among/,
    );
    expect(() => orderSources([source('a', ['a1'], ['b']), source('b', ['b1'], ['a'])])).toThrow(/cycle \(a → b → a\)/);
    expect(() => orderSources([source('a', ['a1']), source('a', ['a2'])])).toThrow(/module a is given twice/);
    expect(() => orderSources([source('a', ['x']), source('b', ['x'])])).toThrow(/id x is used by a and b/);
  });
});
