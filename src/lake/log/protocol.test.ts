import { describe, expect, it } from 'vitest';
import { UnsupportedProtocolError } from '../errors.js';
import { assertReadable, assertWritable, assertWritableSchema, minimumProtocol } from './protocol.js';

describe('protocol gating', () => {
  it('reads versions 1 to 3 with the supported reader features', () => {
    for (const protocol of [
      { minReaderVersion: 1, minWriterVersion: 2 },
      { minReaderVersion: 2, minWriterVersion: 5 },
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['deletionVectors', 'columnMapping', 'timestampNtz', 'v2Checkpoint', 'vacuumProtocolCheck'],
        writerFeatures: [],
      },
    ]) {
      expect(() => assertReadable(protocol, 't')).not.toThrow();
    }
  });

  it('refuses an unsupported reader version, naming it', () => {
    expect(() => assertReadable({ minReaderVersion: 4, minWriterVersion: 7 }, 't')).toThrow(UnsupportedProtocolError);
    expect(() => assertReadable({ minReaderVersion: 4, minWriterVersion: 7 }, 't')).toThrow(/reader version 4/);
  });

  it('refuses an unsupported reader feature, naming it', () => {
    const protocol = {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'variantType'],
      writerFeatures: [],
    };
    expect(() => assertReadable(protocol, 't')).toThrow(/reader feature variantType/);
  });

  it('refuses to write tables needing writer features it does not implement', () => {
    const protocol = {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: [],
      writerFeatures: ['rowTracking', 'identityColumns'],
    };
    expect(() => assertWritable(protocol, 't')).toThrow(/writer features rowTracking, identityColumns/);
    expect(() => assertWritable({ minReaderVersion: 1, minWriterVersion: 8 }, 't')).toThrow(/writer version 8/);
  });

  it('refuses to write generated or identity columns', () => {
    const schema = {
      type: 'struct' as const,
      fields: [
        { name: 'g', type: 'long' as const, nullable: true, metadata: { 'delta.generationExpression': 'a + 1' } },
      ],
    };
    expect(() => assertWritableSchema(schema, 't')).toThrow(/"g".*generatedColumns/);
  });

  it('chooses the lowest protocol a new table needs', () => {
    expect(minimumProtocol({}, false)).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(minimumProtocol({ 'delta.enableChangeDataFeed': 'true' }, false)).toEqual({
      minReaderVersion: 1,
      minWriterVersion: 4,
    });
    expect(minimumProtocol({ 'delta.columnMapping.mode': 'name' }, false)).toEqual({
      minReaderVersion: 2,
      minWriterVersion: 5,
    });
    expect(minimumProtocol({ 'delta.enableDeletionVectors': 'true' }, false)).toMatchObject({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
    });
    expect(minimumProtocol({}, true)).toMatchObject({ minReaderVersion: 3, readerFeatures: ['timestampNtz'] });
  });
});
