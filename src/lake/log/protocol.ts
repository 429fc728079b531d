/**
 * Protocol gating (PROTOCOL.md, "Protocol Evolution" and "Table Features"): which
 * tables this implementation may read and write, and the lowest protocol a new
 * table's features need.
 */
import type { Metadata, Protocol } from './actions.js';
import { UnsupportedProtocolError } from '../errors.js';
import type { StructType } from './schema.js';

export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'deletionVectors',
  'columnMapping',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
]);

/** Writer features whose obligations the writer meets (or that impose none on appends). */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  ...SUPPORTED_READER_FEATURES,
  'appendOnly',
  'invariants',
  'checkConstraints',
  'changeDataFeed',
  'domainMetadata',
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
    const feature = keys.includes('delta.generationExpression')
      ? 'generatedColumns'
      : keys.some((k) => k.startsWith('delta.identity.'))
        ? 'identityColumns'
        : undefined;
    if (feature) {
      throw new UnsupportedProtocolError(
        `${location} has column "${field.name}" that needs ${feature}, which Strata does not write yet.`,
        { location, column: field.name, feature },
      );
    }
  }
}

function assertFeatures(
  features: readonly string[],
  supported: ReadonlySet<string>,
  role: string,
  location: string,
): void {
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
  const needed = neededFeatures(configuration, usesTimestampNtz);
  if (!needed.needsFeatures) return { minReaderVersion: needed.legacyReader, minWriterVersion: needed.legacyWriter };
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: needed.reader, writerFeatures: needed.writer };
}

interface NeededFeatures {
  readonly reader: string[];
  readonly writer: string[];
  readonly legacyReader: number;
  readonly legacyWriter: number;
  /** Some feature has no legacy version: only (3, 7) with feature lists expresses it. */
  readonly needsFeatures: boolean;
}

function neededFeatures(configuration: Readonly<Record<string, string>>, usesTimestampNtz: boolean): NeededFeatures {
  const reader: string[] = [];
  const writer: string[] = ['appendOnly', 'invariants'];
  let legacyReader = 1;
  let legacyWriter = 2;
  const on = (key: string) => configuration[key]?.toLowerCase() === 'true';
  if (hasCheckConstraints(configuration)) {
    writer.push('checkConstraints');
    legacyWriter = Math.max(legacyWriter, 3);
  }
  if (on('delta.enableChangeDataFeed')) {
    writer.push('changeDataFeed');
    legacyWriter = Math.max(legacyWriter, 4);
  }
  const mapping = configuration['delta.columnMapping.mode'];
  if (mapping === 'name' || mapping === 'id') {
    reader.push('columnMapping');
    writer.push('columnMapping');
    legacyReader = 2;
    legacyWriter = 5;
  }
  let needsFeatures = false;
  if (on('delta.enableDeletionVectors')) {
    reader.push('deletionVectors');
    writer.push('deletionVectors');
    needsFeatures = true;
  }
  if (usesTimestampNtz) {
    reader.push('timestampNtz');
    writer.push('timestampNtz');
    needsFeatures = true;
  }
  return { reader, writer, legacyReader, legacyWriter, needsFeatures };
}

/** Whether the metadata turns on append-only (writers must not remove data). */
export function isAppendOnly(metadata: Metadata): boolean {
  return metadata.configuration['delta.appendOnly']?.toLowerCase() === 'true';
}

/** Whether the configuration holds CHECK constraints (`delta.constraints.<name>`). */
export function hasCheckConstraints(configuration: Readonly<Record<string, string>>): boolean {
  return Object.keys(configuration).some((key) => key.toLowerCase().startsWith('delta.constraints.'));
}

/** Writer features each legacy writer version implies (PROTOCOL.md, "Table Features"). */
const LEGACY_WRITER_FEATURES: ReadonlyArray<readonly [number, readonly string[]]> = [
  [2, ['appendOnly', 'invariants']],
  [3, ['checkConstraints']],
  [4, ['changeDataFeed', 'generatedColumns']],
  [5, ['columnMapping']],
  [6, ['identityColumns']],
];

/** Whether writers must honour `feature`: listed (writer version 7) or implied by a legacy version. */
export function supportsWriterFeature(protocol: Protocol, feature: string): boolean {
  if (protocol.minWriterVersion >= 7) return (protocol.writerFeatures ?? []).includes(feature);
  return impliedWriterFeatures(protocol.minWriterVersion).includes(feature);
}

function impliedWriterFeatures(writerVersion: number): string[] {
  return LEGACY_WRITER_FEATURES.filter(([version]) => writerVersion >= version).flatMap(([, features]) => features);
}

/**
 * The protocol a table needs after a metadata change (new properties or constraints):
 * `current` when it already covers them, otherwise the smallest upgrade — a higher
 * legacy version while every needed feature has one, table features (3, 7) otherwise.
 * Features only implied by the legacy version are carried over when converting, except
 * generated and identity columns when the schema has none (Strata cannot write them).
 */
export function upgradeProtocol(
  current: Protocol,
  configuration: Readonly<Record<string, string>>,
  schema: StructType,
): Protocol {
  const needed = neededFeatures(configuration, JSON.stringify(schema).includes('"timestamp_ntz"'));
  const neededWriter = needed.writer;
  const neededReader = needed.reader;
  const missingWriter = neededWriter.filter((f) => !supportsWriterFeature(current, f));
  const currentReader =
    current.minReaderVersion >= 3
      ? (current.readerFeatures ?? [])
      : current.minReaderVersion >= 2
        ? ['columnMapping']
        : [];
  const missingReader = neededReader.filter((f) => !currentReader.includes(f));
  if (missingWriter.length === 0 && missingReader.length === 0) return current;
  if (current.minWriterVersion < 7 && !needed.needsFeatures) {
    return {
      minReaderVersion: Math.max(current.minReaderVersion, needed.legacyReader),
      minWriterVersion: Math.max(current.minWriterVersion, needed.legacyWriter),
    };
  }
  const inSchema = schemaFeatures(schema);
  const carried =
    current.minWriterVersion >= 7
      ? (current.writerFeatures ?? [])
      : impliedWriterFeatures(current.minWriterVersion).filter(
          (f) => !['generatedColumns', 'identityColumns'].includes(f) || inSchema.has(f),
        );
  const writerFeatures = [...new Set([...carried, ...neededWriter])];
  const readerFeatures = [...new Set([...currentReader, ...neededReader])];
  if (readerFeatures.length === 0 && current.minReaderVersion < 3) {
    return { minReaderVersion: current.minReaderVersion, minWriterVersion: 7, writerFeatures };
  }
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures };
}

/** Generated/identity column features the schema actually uses. */
function schemaFeatures(schema: StructType): Set<string> {
  const used = new Set<string>();
  for (const field of schema.fields) {
    const keys = Object.keys(field.metadata);
    if (keys.includes('delta.generationExpression')) used.add('generatedColumns');
    if (keys.some((k) => k.startsWith('delta.identity.'))) used.add('identityColumns');
  }
  return used;
}

/** Writers must produce change data files: the property is on and the protocol has the feature. */
export function changeDataFeedEnabled(protocol: Protocol, metadata: Metadata): boolean {
  return (
    metadata.configuration['delta.enableChangeDataFeed']?.toLowerCase() === 'true' &&
    supportsWriterFeature(protocol, 'changeDataFeed')
  );
}

/** Writers may write deletion vectors: the property is on and the protocol has the feature. */
export function deletionVectorsEnabled(protocol: Protocol, metadata: Metadata): boolean {
  return (
    metadata.configuration['delta.enableDeletionVectors']?.toLowerCase() === 'true' &&
    supportsWriterFeature(protocol, 'deletionVectors')
  );
}
