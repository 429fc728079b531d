/**
 * Protocol gating (PROTOCOL.md, "Protocol Evolution" and "Table Features"): which
 * tables this implementation may read and write, and the lowest protocol a new
 * table's features need.
 */
import type { Metadata, Protocol } from './actions.js';
import { UnsupportedProtocolError } from './errors.js';
import type { StructType } from './schema.js';

export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'deletionVectors', 'columnMapping', 'timestampNtz', 'v2Checkpoint', 'vacuumProtocolCheck',
]);

/** Writer features whose obligations the writer meets (or that impose none on appends). */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  ...SUPPORTED_READER_FEATURES, 'appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed', 'domainMetadata',
]);

/** Throws unless this implementation can read tables with the protocol. */
export function assertReadable(protocol: Protocol, location: string): void {
  const version = protocol.minReaderVersion;
  if (!Number.isInteger(version) || version < 1 || version > 3) {
    throw new UnsupportedProtocolError(
      `${location} requires Delta reader version ${version}; Strata reads versions 1 to 3.`,
      { location, minReaderVersion: version },
    );
  }
  if (version === 3) assertFeatures(protocol.readerFeatures ?? [], SUPPORTED_READER_FEATURES, 'reader', location);
}

/** Throws unless this implementation can write tables with the protocol. */
export function assertWritable(protocol: Protocol, location: string): void {
  assertReadable(protocol, location);
  const version = protocol.minWriterVersion;
  if (!Number.isInteger(version) || version < 1 || version > 7) {
    throw new UnsupportedProtocolError(
      `${location} requires Delta writer version ${version}; Strata writes versions 1 to 7.`,
      { location, minWriterVersion: version },
    );
  }
  if (version === 7) assertFeatures(protocol.writerFeatures ?? [], SUPPORTED_WRITER_FEATURES, 'writer', location);
}

/**
 * Legacy writer versions 4 and 6 allow generated and identity columns; a writer must
 * compute them, which Strata does not do yet, so such columns make a table read-only.
 */
export function assertWritableSchema(schema: StructType, location: string): void {
  for (const field of schema.fields) {
    const keys = Object.keys(field.metadata);
    const feature = keys.includes('delta.generationExpression') ? 'generatedColumns'
      : keys.some((k) => k.startsWith('delta.identity.')) ? 'identityColumns' : undefined;
    if (feature) {
      throw new UnsupportedProtocolError(`${location} has column "${field.name}" that needs ${feature}, which Strata does not write yet.`, { location, column: field.name, feature });
    }
  }
}

function assertFeatures(features: readonly string[], supported: ReadonlySet<string>, role: string, location: string): void {
  const missing = features.filter((f) => !supported.has(f));
  if (missing.length > 0) {
    throw new UnsupportedProtocolError(
      `${location} needs the ${role} feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which Strata does not support.`,
      { location, role, features: missing },
    );
  }
}

/** Whether the table has a feature, by explicit feature list or by legacy version. */
export function hasFeature(protocol: Protocol, feature: string): boolean {
  return (protocol.writerFeatures ?? []).includes(feature) || (protocol.readerFeatures ?? []).includes(feature);
}

/**
 * The lowest protocol for a new table's configuration and schema: (1,2) by default,
 * legacy versions when only legacy features are used, table features (3,7) otherwise.
 */
export function minimumProtocol(configuration: Readonly<Record<string, string>>, usesTimestampNtz: boolean): Protocol {
  const readerFeatures: string[] = [];
  const writerFeatures: string[] = ['appendOnly', 'invariants'];
  let legacyReader = 1;
  let legacyWriter = 2;
  const on = (key: string) => configuration[key]?.toLowerCase() === 'true';
  if (on('delta.enableChangeDataFeed')) {
    writerFeatures.push('changeDataFeed');
    legacyWriter = Math.max(legacyWriter, 4);
  }
  const mapping = configuration['delta.columnMapping.mode'];
  if (mapping === 'name' || mapping === 'id') {
    readerFeatures.push('columnMapping');
    writerFeatures.push('columnMapping');
    legacyReader = 2;
    legacyWriter = 5;
  }
  let needsFeatures = false;
  if (on('delta.enableDeletionVectors')) {
    readerFeatures.push('deletionVectors');
    writerFeatures.push('deletionVectors');
    needsFeatures = true;
  }
  if (usesTimestampNtz) {
    readerFeatures.push('timestampNtz');
    writerFeatures.push('timestampNtz');
    needsFeatures = true;
  }
  if (!needsFeatures) return { minReaderVersion: legacyReader, minWriterVersion: legacyWriter };
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures };
}

/** Whether the metadata turns on append-only (writers must not remove data). */
export function isAppendOnly(metadata: Metadata): boolean {
  return metadata.configuration['delta.appendOnly']?.toLowerCase() === 'true';
}
