export * from './actions.js';
export * from './errors.js';
export * from './schema.js';
export { loadSnapshot, Snapshot } from './snapshot.js';
export { bindScan, type ScanBinding, type ScanOptions } from './scan.js';
export { readRows } from './read.js';
export { withConnection, sharedDuckdb, queryRows } from './duckdb.js';
export { assertReadable, assertWritable, minimumProtocol, SUPPORTED_READER_FEATURES, SUPPORTED_WRITER_FEATURES } from './protocol.js';
