/**
 * Schema enforcement on write: the incoming relation's columns are matched to the
 * table's by name (case-insensitively, as Delta does), cast where the conversion is
 * lossless, and refused otherwise with an error naming the column and both types.
 * With `mergeSchema`, new columns are added to the table as nullable columns.
 */
import { libraryPhrase, type Remedy } from '../../core/index.js';
import { SchemaMismatchError } from '../errors.js';
import {
  deltaTypeFromDuckdb,
  duckdbType,
  findField,
  quoteIdent,
  sameType,
  typeToString,
  type DataType,
  type StructField,
  type StructType,
} from '../log/schema.js';

const MERGE_SCHEMA: Remedy = { kind: 'option', option: 'mergeSchema' };

export interface SourceColumn {
  readonly name: string;
  readonly duckdbType: string;
}

export interface WritePlan {
  /** SELECT list producing the table's logical columns, in table order, from alias `src`. */
  readonly projection: string;
  /** The table schema after this write (differs only when columns were added). */
  readonly schema: StructType;
  readonly addedColumns: readonly string[];
}

/** Integer and float widenings that lose nothing. */
const WIDENS_TO: Readonly<Record<string, readonly string[]>> = {
  byte: ['short', 'integer', 'long', 'double'],
  short: ['integer', 'long', 'double'],
  integer: ['long', 'double'],
  long: [],
  float: ['double'],
  date: ['timestamp', 'timestamp_ntz'],
};

export interface PlanOptions {
  readonly location: string;
  readonly mergeSchema?: boolean;
  /**
   * The source's types were guessed from text (JSON rows, CSV): JSON has no 32-bit
   * integers or dates, so integer narrowing and strings into date/time/binary columns
   * are allowed and checked per value by the cast.
   */
  readonly inferredTypes?: boolean;
}

export function planWrite(table: StructType, source: readonly SourceColumn[], options: PlanOptions): WritePlan {
  const seen = new Set<string>();
  for (const column of source) {
    const key = column.name.toLowerCase();
    if (seen.has(key)) {
      throw new SchemaMismatchError(
        `The data has column "${column.name}" twice (names are case-insensitive); rename one.`,
        { column: column.name, location: options.location },
      );
    }
    seen.add(key);
  }
  const added: StructField[] = [];
  for (const column of source) {
    const field = findField(table, column.name);
    if (field) {
      assertCompatible(field, column, options);
      continue;
    }
    if (!options.mergeSchema) {
      throw new SchemaMismatchError(
        `Column "${column.name}" (${column.duckdbType}) is not in the table ${options.location}; its columns are ${table.fields.map((f) => f.name).join(', ')}. Pass ${libraryPhrase(MERGE_SCHEMA)} to add it.`,
        { column: column.name, location: options.location, remedy: MERGE_SCHEMA },
      );
    }
    added.push({ name: column.name, type: deltaTypeFromDuckdb(column.duckdbType), nullable: true, metadata: {} });
  }
  const schema: StructType = added.length > 0 ? { type: 'struct', fields: [...table.fields, ...added] } : table;
  const sourceByName = new Map(source.map((c) => [c.name.toLowerCase(), c]));
  const projection = schema.fields.map((field) => {
    const column = sourceByName.get(field.name.toLowerCase());
    if (!column) {
      if (!field.nullable) {
        throw new SchemaMismatchError(
          `Column "${field.name}" is NOT NULL in ${options.location} but the data does not have it.`,
          { column: field.name, location: options.location },
        );
      }
      return `CAST(NULL AS ${duckdbType(field.type)}) AS ${quoteIdent(field.name)}`;
    }
    return `CAST(src.${quoteIdent(column.name)} AS ${duckdbType(field.type)}) AS ${quoteIdent(field.name)}`;
  });
  return { projection: projection.join(', '), schema, addedColumns: added.map((f) => f.name) };
}

const INTEGERS = ['byte', 'short', 'integer', 'long'];
const FROM_TEXT = ['date', 'timestamp', 'timestamp_ntz', 'binary'];

function assertCompatible(field: StructField, column: SourceColumn, options: PlanOptions): void {
  const location = options.location;
  if (/^"?NULL"?$/i.test(column.duckdbType)) return; // an all-NULL column fits any type
  // JSON rows: a column that is NULL in every row is typed JSON; the cast checks each value.
  if (options.inferredTypes && /^JSON$/i.test(column.duckdbType)) return;
  let incoming: DataType;
  try {
    incoming = deltaTypeFromDuckdb(column.duckdbType);
  } catch {
    throw mismatch(field, column.duckdbType, location);
  }
  if (sameType(incoming, field.type)) return;
  if (typeof incoming === 'string' && typeof field.type === 'string') {
    if (WIDENS_TO[incoming]?.includes(field.type)) return;
    if (field.type.startsWith('decimal(') && (incoming.startsWith('decimal(') || INTEGERS.includes(incoming))) return;
    // SQL literals such as 1.5 are decimals; a double column takes them as its nearest value.
    if (incoming.startsWith('decimal(') && field.type === 'double') return;
    if (
      (incoming === 'timestamp' && field.type === 'timestamp_ntz') ||
      (incoming === 'timestamp_ntz' && field.type === 'timestamp')
    )
      return;
    if (
      options.inferredTypes &&
      INTEGERS.includes(incoming) &&
      (INTEGERS.includes(field.type) || ['float', 'double'].includes(field.type))
    )
      return;
    // JSON integers mixing signs are read as HUGEINT (decimal(38,0)); the cast checks each value.
    if (
      options.inferredTypes &&
      /^decimal\(\d+,0\)$/.test(incoming) &&
      (INTEGERS.includes(field.type) || ['float', 'double'].includes(field.type))
    )
      return;
    if (options.inferredTypes && incoming === 'double' && (field.type === 'float' || field.type.startsWith('decimal(')))
      return;
    if (options.inferredTypes && incoming === 'string' && FROM_TEXT.includes(field.type)) return;
  }
  throw mismatch(field, typeToString(incoming), location);
}

function mismatch(field: StructField, incoming: string, location: string): SchemaMismatchError {
  return new SchemaMismatchError(
    `Column "${field.name}" of ${location} has type ${typeToString(field.type)} but the data has ${incoming}; cast it or write to another column.`,
    { column: field.name, tableType: typeToString(field.type), dataType: incoming, location },
  );
}

/** A Delta schema for a new table from the source's columns. */
export function schemaFromSource(source: readonly SourceColumn[]): StructType {
  return {
    type: 'struct',
    fields: source.map((c) => ({
      name: c.name,
      type: deltaTypeFromDuckdb(c.duckdbType),
      nullable: true,
      metadata: {},
    })),
  };
}
