/**
 * Checks each feature view against its source as it is now: the event-time, created-time,
 * join-key and feature columns exist, with types the declared ones accept. A refusal
 * names the view and the field.
 */
import type { Catalog } from '../../catalog/index.js';
import { bindDeltaSql } from '../../engine/index.js';
import { withConnection } from '../../lake/index.js';
import { joinKeysOf, type DefinitionSet } from '../definition/definition-set.js';
import type { FeatureViewDefinition } from '../definition/feature-definition.js';
import { acceptsColumn, type FeatureType } from '../definition/feature-types.js';
import { FeatureDefinitionError } from '../errors.js';
import { pinnedSourceSql } from '../training/source-sql.js';

export async function checkViewSources(catalog: Catalog, set: DefinitionSet): Promise<void> {
  await withConnection(async (connection) => {
    for (const view of set.views.values()) {
      const object = `feature view ${view.name}`;
      const pinned = await pinnedSourceSql(catalog, connection, view.source, object);
      const bound = await bindDeltaSql(connection, `DESCRIBE SELECT * FROM (${pinned.sql})`);
      let columns: Map<string, string>;
      try {
        const rows = (await connection.runAndReadAll(bound.sql)).getRowObjectsJson();
        columns = new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
      } catch (error) {
        throw new FeatureDefinitionError(object, `its source cannot be read: ${(error as Error).message}`, {
          field: 'source',
        });
      } finally {
        await bound.release();
      }
      checkColumns(view, columns, joinKeysOf(set, view) as [string, FeatureType][]);
    }
  });
}

function checkColumns(view: FeatureViewDefinition, columns: Map<string, string>, keys: [string, FeatureType][]): void {
  const expected: [string, string, FeatureType][] = [
    ['eventTime', view.eventTime, 'timestamp'],
    ...(view.createdTime ? [['createdTime', view.createdTime, 'timestamp'] as [string, string, FeatureType]] : []),
    ...keys.map(([key, type]): [string, string, FeatureType] => ['join key', key, type]),
    ...Object.entries(view.features).map(([name, type]): [string, string, FeatureType] => ['feature', name, type]),
  ];
  for (const [role, column, type] of expected) {
    const actual = columns.get(column);
    const object = `feature view ${view.name}`;
    if (actual === undefined)
      throw new FeatureDefinitionError(
        object,
        `${role} ${column} is not a column of its source (columns: ${[...columns.keys()].join(', ')}).`,
        { field: column },
      );
    if (!acceptsColumn(type, actual))
      throw new FeatureDefinitionError(
        object,
        `${role} ${column} is declared ${type} but the source column is ${actual}.`,
        {
          field: column,
          declared: type,
          actual,
        },
      );
  }
}
