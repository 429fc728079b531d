import { describe, expect, it } from 'vitest';
import type { Metadata, Protocol } from './actions.js';
import {
  changeDataFeedEnabled,
  deletionVectorsEnabled,
  minimumProtocol,
  supportsWriterFeature,
  upgradeProtocol,
} from './protocol.js';
import type { StructType } from './schema.js';

const schema: StructType = { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] };
const legacy = (minReaderVersion: number, minWriterVersion: number): Protocol => ({
  minReaderVersion,
  minWriterVersion,
});

describe('protocol upgrades for new properties', () => {
  it('keeps the protocol when it already covers the properties', () => {
    const current = legacy(1, 4);
    expect(
      upgradeProtocol(current, { 'delta.enableChangeDataFeed': 'true', 'delta.constraints.a': 'id > 0' }, schema),
    ).toBe(current);
  });

  it('raises the legacy writer version while every feature has one', () => {
    expect(upgradeProtocol(legacy(1, 2), { 'delta.constraints.a': 'id > 0' }, schema)).toEqual(legacy(1, 3));
    expect(
      upgradeProtocol(legacy(1, 3), { 'delta.constraints.a': 'id > 0', 'delta.enableChangeDataFeed': 'true' }, schema),
    ).toEqual(legacy(1, 4));
    const mapped = legacy(2, 5);
    expect(upgradeProtocol(mapped, { 'delta.constraints.a': 'id > 0' }, schema)).toBe(mapped);
  });

  it('converts to table features for deletion vectors, carrying the implied features', () => {
    const upgraded = upgradeProtocol(legacy(1, 4), { 'delta.enableDeletionVectors': 'true' }, schema);
    expect(upgraded.minReaderVersion).toBe(3);
    expect(upgraded.minWriterVersion).toBe(7);
    expect(upgraded.readerFeatures).toEqual(['deletionVectors']);
    expect([...upgraded.writerFeatures!].sort()).toEqual([
      'appendOnly',
      'changeDataFeed',
      'checkConstraints',
      'deletionVectors',
      'invariants',
    ]);
  });

  it('adds a writer feature to a table-features protocol', () => {
    const current = minimumProtocol({ 'delta.enableDeletionVectors': 'true' }, false);
    const upgraded = upgradeProtocol(
      current,
      { 'delta.enableDeletionVectors': 'true', 'delta.constraints.a': 'id > 0' },
      schema,
    );
    expect(upgraded.writerFeatures).toContain('checkConstraints');
    expect(upgraded.readerFeatures).toEqual(['deletionVectors']);
  });

  it('says when writers must produce change data and may write deletion vectors', () => {
    const metadata = (configuration: Record<string, string>): Metadata => ({
      id: 'x',
      format: { provider: 'parquet' },
      schemaString: '{}',
      partitionColumns: [],
      configuration,
    });
    expect(supportsWriterFeature(legacy(1, 4), 'changeDataFeed')).toBe(true);
    expect(changeDataFeedEnabled(legacy(1, 4), metadata({ 'delta.enableChangeDataFeed': 'true' }))).toBe(true);
    expect(changeDataFeedEnabled(legacy(1, 3), metadata({ 'delta.enableChangeDataFeed': 'true' }))).toBe(false);
    expect(deletionVectorsEnabled(legacy(1, 4), metadata({ 'delta.enableDeletionVectors': 'true' }))).toBe(false);
    const dv = minimumProtocol({ 'delta.enableDeletionVectors': 'true' }, false);
    expect(deletionVectorsEnabled(dv, metadata({ 'delta.enableDeletionVectors': 'true' }))).toBe(true);
    expect(deletionVectorsEnabled(dv, metadata({}))).toBe(false);
  });
});
