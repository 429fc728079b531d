import { libraryPhrase, moduleErrorBase, type ErrorCodeSet, type ErrorDetails, type Remedy } from '../core/index.js';

/** Every code the catalog raises, with its category (which decides the HTTP status). */
export const CatalogErrorCode = {
  CATALOG_INVALID_NAME: 'invalid',
  CATALOG_TABLE_NOT_FOUND: 'not_found',
  CATALOG_TABLE_EXISTS: 'conflict',
  CATALOG_SCHEMA_NOT_FOUND: 'not_found',
  CATALOG_SCHEMA_EXISTS: 'conflict',
  CATALOG_SCHEMA_NOT_EMPTY: 'conflict',
  CATALOG_LOCATION_IN_USE: 'conflict',
  CATALOG_INVALID_LOCATION: 'invalid',
  CATALOG_NOT_RECORDED: 'internal',
  CATALOG_PURGE_FAILED: 'internal',
  CATALOG_WAREHOUSE_NOT_FOUND: 'not_found',
  CATALOG_WAREHOUSE_CONFIG: 'internal',
} as const satisfies ErrorCodeSet;
export type CatalogErrorCode = keyof typeof CatalogErrorCode;

/** Base of the catalog's errors: the code decides the category. */
export abstract class CatalogError extends moduleErrorBase(CatalogErrorCode) {}

/** A table or schema name that is not a valid (possibly quoted, possibly qualified) SQL identifier. */
export class InvalidNameError extends CatalogError {
  constructor(
    readonly invalidName: string,
    reason: string,
  ) {
    super(
      'CATALOG_INVALID_NAME',
      `Invalid name ${JSON.stringify(invalidName)}: ${reason}. Names are \`table\` or \`schema.table\`; unquoted parts are letters, digits and _ (case-insensitive), "Quoted" parts keep case and may hold other characters.`,
      { name: invalidName },
    );
  }
}

function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : '';
}

export class TableNotFoundError extends CatalogError {
  constructor(
    readonly tableName: string,
    readonly suggestions: readonly string[],
  ) {
    const remedy: Remedy = { kind: 'registerTable', name: tableName };
    super(
      'CATALOG_TABLE_NOT_FOUND',
      `Table ${tableName} does not exist.${didYouMean(suggestions)} Create it, or register an existing Delta table under that name with ${libraryPhrase(remedy)}.`,
      { name: tableName, suggestions, remedy },
    );
  }
}

export class TableAlreadyExistsError extends CatalogError {
  constructor(
    readonly tableName: string,
    detail = '',
    options?: { cause?: unknown },
  ) {
    super(
      'CATALOG_TABLE_EXISTS',
      `Table ${tableName} already exists${detail}. Choose another name, or drop it first.`,
      { name: tableName },
      options,
    );
  }
}

export class SchemaNotFoundError extends CatalogError {
  constructor(
    readonly schema: string,
    readonly suggestions: readonly string[],
  ) {
    const remedy: Remedy = { kind: 'createSchema', schema };
    super(
      'CATALOG_SCHEMA_NOT_FOUND',
      `Schema ${schema} does not exist.${didYouMean(suggestions)} Create it with ${libraryPhrase(remedy)}.`,
      { schema, suggestions, remedy },
    );
  }
}

export class SchemaAlreadyExistsError extends CatalogError {
  constructor(readonly schema: string) {
    super('CATALOG_SCHEMA_EXISTS', `Schema ${schema} already exists.`, { schema });
  }
}

export class SchemaNotEmptyError extends CatalogError {
  constructor(
    readonly schema: string,
    readonly tables: readonly string[],
  ) {
    super(
      'CATALOG_SCHEMA_NOT_EMPTY',
      `Schema ${schema} still has ${tables.length} table(s) (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); drop them first.`,
      { schema, tables },
    );
  }
}

/** A location another table uses, or that already holds a Delta table. */
export class LocationInUseError extends CatalogError {
  constructor(
    readonly location: string,
    reason: string,
    remedy?: Remedy,
  ) {
    super('CATALOG_LOCATION_IN_USE', `The location ${location} ${reason}`, { location, ...(remedy ? { remedy } : {}) });
  }
}

/** An external location that cannot be registered (not a Delta table, inside the managed lake root, ...). */
export class InvalidLocationError extends CatalogError {
  constructor(
    readonly location: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CATALOG_INVALID_LOCATION',
      `Cannot use ${location} as an external table location: ${reason}`,
      { location },
      options,
    );
  }
}

/** The Delta table was created, but recording it in the catalog failed: the two disagree until fixed. */
export class TableNotRecordedError extends CatalogError {
  constructor(
    readonly tableName: string,
    readonly location: string,
    managed: boolean,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    const remedy: Remedy = { kind: 'registerTable', name: tableName, location };
    const fix = managed
      ? `delete ${location}, then create ${tableName} again`
      : `register it with ${libraryPhrase(remedy)} once the metadata database works, or delete ${location}`;
    super(
      'CATALOG_NOT_RECORDED',
      `The Delta table for ${tableName} was created at ${location}, but recording it in the catalog failed${reason}. It exists on storage only: ${fix}.`,
      { name: tableName, location, ...(managed ? {} : { remedy }) },
      options,
    );
  }
}

/** A managed table was dropped from the catalog but its files could not all be deleted. */
export class PurgeFailedError extends CatalogError {
  constructor(
    readonly tableName: string,
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'CATALOG_PURGE_FAILED',
      `Table ${tableName} was dropped, but deleting its files at ${location} failed${reason}. Delete that directory by hand.`,
      { name: tableName, location },
      options,
    );
  }
}

export class WarehouseNotFoundError extends CatalogError {
  constructor(message: string, details: ErrorDetails) {
    super('CATALOG_WAREHOUSE_NOT_FOUND', message, details);
  }
}

/** strata.json is unreadable, or the metadata database does not belong to this warehouse. */
export class WarehouseConfigError extends CatalogError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('CATALOG_WAREHOUSE_CONFIG', message, details, options);
  }
}
