import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogTable } from './index.js';
import { TableLookup } from './table-lookup.js';

function fakeCatalog(tables: Map<string, CatalogTable>): { catalog: Catalog; queries: () => number } {
  let queries = 0;
  const find = async (name: string) => {
    queries++;
    return tables.get(name);
  };
  const catalog = {
    findTable: find,
    getTable: async (name: string) => (await find(name)) ?? Promise.reject(new Error(`no ${name}`)),
  } as unknown as Catalog;
  return { catalog, queries: () => queries };
}

const table = (location: string) =>
  ({
    id: location,
    name: 'main.t',
    schema: 'main',
    table: 't',
    location,
    kind: 'managed',
    createdAt: new Date(0),
  }) as CatalogTable;

describe('TableLookup', () => {
  it('remembers found tables until invalidated, and never a missing one', async () => {
    const tables = new Map<string, CatalogTable>();
    const { catalog, queries } = fakeCatalog(tables);
    const lookup = new TableLookup(catalog, { ttlMs: 60_000 });
    expect(await lookup.find('t')).toBeUndefined();
    tables.set('t', table('/a'));
    expect((await lookup.find('t'))?.location).toBe('/a');
    expect((await lookup.get('t')).location).toBe('/a');
    expect(queries()).toBe(2);
    tables.set('t', table('/b'));
    expect((await lookup.get('t')).location).toBe('/a');
    lookup.invalidate();
    expect((await lookup.get('t')).location).toBe('/b');
    await expect(lookup.get('missing')).rejects.toThrow('no missing');
  });

  it('asks every time with a TTL of 0', async () => {
    const { catalog, queries } = fakeCatalog(new Map([['t', table('/a')]]));
    const lookup = new TableLookup(catalog, { ttlMs: 0 });
    await lookup.get('t');
    await lookup.get('t');
    expect(queries()).toBe(2);
  });
});
