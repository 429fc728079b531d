/**
 * What `strata table info` shows about one snapshot, as plain data (printed as JSON
 * with --json) and as text.
 */
import { formatBytes } from '../core/index.js';
import { runSql } from '../engine/index.js';
import { quoteLiteral, typeToString, type Snapshot } from '../lake/index.js';
import { countText, formatTable } from './text-table.js';

export interface TableSummary {
  readonly location: string;
  readonly version: number;
  readonly timestamp: string;
  readonly name?: string;
  readonly description?: string;
  readonly schema: readonly { name: string; type: string; nullable: boolean }[];
  readonly partitionColumns: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly protocol: {
    minReaderVersion: number;
    minWriterVersion: number;
    readerFeatures?: readonly string[];
    writerFeatures?: readonly string[];
  };
  readonly numFiles: number;
  readonly sizeInBytes: number;
  readonly numRows: number;
}

export async function summarize(snapshot: Snapshot): Promise<TableSummary> {
  const { metadata, protocol } = snapshot;
  return {
    location: snapshot.location,
    version: snapshot.version,
    timestamp: new Date(snapshot.timestamp).toISOString(),
    ...(metadata.name ? { name: metadata.name } : {}),
    ...(metadata.description ? { description: metadata.description } : {}),
    schema: snapshot.schema.fields.map((f) => ({ name: f.name, type: typeToString(f.type), nullable: f.nullable })),
    partitionColumns: snapshot.partitionColumns,
    properties: snapshot.configuration,
    protocol,
    numFiles: snapshot.files.length,
    sizeInBytes: snapshot.files.reduce((total, f) => total + f.size, 0),
    numRows: snapshot.numRecords ?? (await countRows(snapshot)),
  };
}

/** Files written without stats leave the count unknown from the log alone; then the rows are counted. */
async function countRows(snapshot: Snapshot): Promise<number> {
  const result = await runSql(
    `SELECT count(*) FROM delta_scan(${quoteLiteral(snapshot.location)}, version => ${snapshot.version})`,
  );
  return Number(result.rows[0]?.[0] ?? 0);
}

export function summaryText(summary: TableSummary): string {
  const { protocol } = summary;
  const features = [...new Set([...(protocol.readerFeatures ?? []), ...(protocol.writerFeatures ?? [])])];
  const properties = Object.entries(summary.properties).map(([k, v]) => `${k}=${v}`);
  const lines: [string, string][] = [
    ['table', summary.location],
    ...(summary.name ? [['name', summary.name] as [string, string]] : []),
    ...(summary.description ? [['description', summary.description] as [string, string]] : []),
    ['version', `${summary.version} (committed ${summary.timestamp})`],
    ['rows', summary.numRows.toLocaleString('en-US')],
    ['files', `${countText(summary.numFiles, 'file')}, ${formatBytes(summary.sizeInBytes)}`],
    ['partitioned by', summary.partitionColumns.join(', ') || '(not partitioned)'],
    ['properties', properties.join(', ') || '(none)'],
    [
      'protocol',
      `reader ${protocol.minReaderVersion}, writer ${protocol.minWriterVersion}${features.length ? `; features: ${features.join(', ')}` : ''}`,
    ],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  const schema = formatTable(
    [{ name: 'column' }, { name: 'type' }, { name: 'nullable' }],
    summary.schema.map((f) => [f.name, f.type, f.nullable ? 'yes' : 'no']),
  );
  return `${lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n\nschema\n${schema}`;
}
