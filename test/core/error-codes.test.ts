import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiErrorCode, NotFoundError, UnauthorizedError, statusOf, toHttpError } from '../../src/api/index.js';
// The CLI is the top layer and has no library entry; its errors file is its public set of codes.
import { CliErrorCode } from '../../src/cli/errors.js';
import { AccessErrorCode } from '../../src/catalog/index.js';
import { QueryServiceErrorCode } from '../../src/engine/index.js';
import { ModelErrorCode, ModelFormatErrorCode, MonitoringErrorCode } from '../../src/models/index.js';
import {
  CatalogErrorCode,
  CoreErrorCode,
  EngineErrorCode,
  ErrorCategory,
  FeatureErrorCode,
  FlowErrorCode,
  MaterializeErrorCode,
  OnlineErrorCode,
  LakeErrorCode,
  MetaErrorCode,
  StorageErrorCode,
  StrataError,
  type ErrorCodeSet,
} from '../../src/index.js';

const SETS: Readonly<Record<string, ErrorCodeSet>> = {
  core: CoreErrorCode,
  storage: StorageErrorCode,
  lake: LakeErrorCode,
  engine: EngineErrorCode,
  meta: MetaErrorCode,
  catalog: CatalogErrorCode,
  access: AccessErrorCode,
  queryService: QueryServiceErrorCode,
  flows: FlowErrorCode,
  features: FeatureErrorCode,
  api: ApiErrorCode,
  models: ModelErrorCode,
  cli: CliErrorCode,
  featuresOnline: OnlineErrorCode,
  featuresMaterialize: MaterializeErrorCode,
  modelFormats: ModelFormatErrorCode,
  monitoring: MonitoringErrorCode,
};

/**
 * Every code Strata raises and the status a client gets for it. Adding a code to a
 * module's set fails this test until the code is added here, deliberately: whoever adds
 * it decides what clients see.
 */
const EXPECTED: Readonly<Record<string, readonly [ErrorCategory, number]>> = {
  INVALID_ARGUMENT: ['invalid', 400],
  MONITOR_INVALID_INPUT: ['invalid', 400],
  MONITOR_INVALID_STATE: ['invalid', 400],
  STORAGE_NOT_FOUND: ['not_found', 404],
  STORAGE_UNSUPPORTED: ['invalid', 400],
  STORAGE_IO: ['unavailable', 503],
  LAKE_NOT_A_TABLE: ['invalid', 400],
  LAKE_TABLE_EXISTS: ['conflict', 409],
  LAKE_UNSUPPORTED_PROTOCOL: ['invalid', 400],
  LAKE_CORRUPT_LOG: ['internal', 500],
  LAKE_LOG_GAP: ['internal', 500],
  LAKE_MISSING_ACTION: ['internal', 500],
  LAKE_VERSION_NOT_FOUND: ['not_found', 404],
  LAKE_SCHEMA_MISMATCH: ['invalid', 400],
  LAKE_CONFLICT: ['conflict', 409],
  LAKE_DELETION_VECTOR: ['internal', 500],
  LAKE_VACUUM_RETENTION: ['invalid', 400],
  LAKE_INVALID_OPERATION: ['invalid', 400],
  LAKE_CONSTRAINT: ['invalid', 422],
  LAKE_APPEND_ONLY: ['invalid', 422],
  LAKE_MERGE_MULTIPLE_MATCH: ['invalid', 422],
  LAKE_CHANGE_DATA_FEED: ['invalid', 400],
  LAKE_RESTORE_MISSING_FILES: ['invalid', 400],
  LAKE_BAD_ROWS: ['invalid', 422],
  ENGINE_DELTA_SCAN_ARGUMENT: ['invalid', 400],
  ENGINE_SQL: ['invalid', 400],
  ENGINE_UNSUPPORTED_STATEMENT: ['invalid', 400],
  ENGINE_SANDBOX: ['forbidden', 403],
  ENGINE_QUERY_MEMORY_LIMIT: ['invalid', 422],
  ENGINE_VALUE_TOO_LARGE: ['invalid', 422],
  ENGINE_UNKNOWN_COLUMN: ['invalid', 400],
  META_LOCKED: ['unavailable', 503],
  META_LOCK_FILE: ['internal', 500],
  META_CONNECTION: ['unavailable', 503],
  META_MIGRATION: ['internal', 500],
  META_CLOSED: ['unavailable', 503],
  META_NESTED_ACCESS: ['internal', 500],
  META_OWNER_GONE: ['unavailable', 503],
  META_PROXY_TIMEOUT: ['unavailable', 503],
  CATALOG_INVALID_NAME: ['invalid', 400],
  CATALOG_TABLE_NOT_FOUND: ['not_found', 404],
  CATALOG_TABLE_EXISTS: ['conflict', 409],
  CATALOG_SCHEMA_NOT_FOUND: ['not_found', 404],
  CATALOG_SCHEMA_EXISTS: ['conflict', 409],
  CATALOG_SCHEMA_NOT_EMPTY: ['conflict', 409],
  CATALOG_LOCATION_IN_USE: ['conflict', 409],
  CATALOG_INVALID_LOCATION: ['invalid', 400],
  CATALOG_NOT_RECORDED: ['internal', 500],
  CATALOG_PURGE_FAILED: ['internal', 500],
  CATALOG_WAREHOUSE_NOT_FOUND: ['not_found', 404],
  CATALOG_WAREHOUSE_CONFIG: ['internal', 500],
  FLOW_DEFINITION: ['invalid', 400],
  FLOW_LOAD: ['invalid', 400],
  FLOW_NOT_FOUND: ['not_found', 404],
  FLOW_RUN_NOT_FOUND: ['not_found', 404],
  FLOW_TASK_NOT_FOUND: ['not_found', 404],
  FLOW_PARAMS: ['invalid', 400],
  FLOW_TASK_OUTPUT: ['invalid', 400],
  FLOW_LEASE_LOST: ['conflict', 409],
  FLOW_RUN_STATE: ['conflict', 409],
  FLOW_CONTROL_CHANNEL: ['unavailable', 503],
  FEATURE_DEFINITION: ['invalid', 400],
  FEATURE_LOAD: ['invalid', 400],
  FEATURE_INCOMPATIBLE_CHANGE: ['conflict', 409],
  FEATURE_NOT_FOUND: ['not_found', 404],
  FEATURE_ENTITY_ROWS: ['invalid', 400],
  FEATURE_SOURCE_VERSION_GONE: ['not_found', 404],
  FEATURE_TRAINING_SET: ['invalid', 400],
  FEATURE_SERVING_REQUEST: ['invalid', 400],
  FEATURE_ON_DEMAND_FAILED: ['invalid', 400],
  FEATURE_PUSH: ['invalid', 400],
  FLOW_TRACE_INVALID: ['invalid', 400],
  FLOW_COMMAND_FAILED: ['internal', 500],
  FLOW_RUN_FAILED: ['internal', 500],
  FLOW_PROBLEMS: ['invalid', 400],
  FLOW_CHECK_FAILED: ['invalid', 400],
  FLOW_RUN_INTERRUPTED: ['conflict', 409],
  API_UNAUTHORIZED: ['unauthenticated', 401],
  API_FORBIDDEN: ['forbidden', 403],
  API_CSRF: ['forbidden', 403],
  API_BAD_REQUEST: ['invalid', 400],
  API_NOT_FOUND: ['not_found', 404],
  API_PAYLOAD_TOO_LARGE: ['invalid', 413],
  API_NOT_ACCEPTABLE: ['invalid', 406],
  API_UNSUPPORTED_MEDIA_TYPE: ['invalid', 415],
  API_RATE_LIMITED: ['unavailable', 429],
  API_RESULT_TOO_LARGE: ['invalid', 422],
  API_RESULT_MEMORY_LIMIT: ['unavailable', 429],
  API_QUERY_TIMEOUT: ['unavailable', 408],
  API_QUERY_CANCELLED: ['conflict', 409],
  API_NOT_READY: ['unavailable', 503],
  API_STREAM_TOPIC: ['invalid', 400],
  API_STREAM_LAGGED: ['unavailable', 503],
  API_STREAM_CLOSED: ['unavailable', 503],
  GRAPHQL_BAD_INPUT: ['invalid', 400],
  FEATURES_ONLINE_UNAVAILABLE: ['unavailable', 503],
  FEATURES_ONLINE_INVALID: ['invalid', 400],
  FEATURES_ONLINE_WATERMARK_CONFLICT: ['conflict', 409],
  FEATURES_ONLINE_CLOSED: ['unavailable', 503],
  FEATURE_MATERIALIZE_CONFLICT: ['conflict', 409],
  FEATURE_MATERIALIZE_NO_WAREHOUSE: ['invalid', 400],
  MODEL_INVALID_PARAMETER: ['invalid', 400],
  MODEL_NOT_FOUND: ['not_found', 404],
  MODEL_ALREADY_EXISTS: ['conflict', 409],
  MODEL_TRACKING_UNAVAILABLE: ['unavailable', 503],
  MODEL_GATE_REFUSED: ['conflict', 409],
  MODEL_FEATURE_INVALID: ['invalid', 400],
  MODEL_LOAD_FAILED: ['unavailable', 503],
  MODEL_FORMAT_INVALID: ['invalid', 400],
  MODEL_FORMAT_UNSUPPORTED: ['invalid', 400],
  MODEL_INPUT_INVALID: ['invalid', 400],
  MODEL_TRAINING_INVALID: ['invalid', 400],
};

const allCodes = (): Array<readonly [string, ErrorCategory, string]> =>
  Object.entries(SETS).flatMap(([module, set]) =>
    Object.entries(set).map(([code, category]) => [code, category, module] as const),
  );

/** A StrataError with the code and category a module's set gives it (what its subclass passes). */
class Probe extends StrataError {}

describe('error → HTTP status', () => {
  it('knows every code of every module, each in one module only, with the expected category and status', () => {
    const codes = allCodes();
    expect(new Set(codes.map(([code]) => code)).size).toBe(codes.length);
    expect(codes.map(([code]) => code).sort()).toEqual(Object.keys(EXPECTED).sort());
    const categories = Object.values(ErrorCategory) as readonly string[];
    for (const [code, category] of codes) {
      expect(categories, code).toContain(category);
      const [expectedCategory, expectedStatus] = EXPECTED[code]!;
      expect([code, category]).toEqual([code, expectedCategory]);
      expect([code, statusOf(new Probe(code, category, 'probe'))]).toEqual([code, expectedStatus]);
    }
  });

  it('finds no error code in the sources outside the modules’ sets', () => {
    const known = new Set(allCodes().map(([code]) => code));
    const root = join(import.meta.dirname, '../../src');
    const raised = new Set<string>();
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = readFileSync(join(root, file), 'utf8');
      if (!text.includes('extends ')) continue;
      // A subclass names its code as the first argument of super(...).
      for (const match of text.matchAll(/super\(\s*'([A-Z][A-Z0-9_]+)'/g)) raised.add(match[1]!);
      for (const match of text.matchAll(/status === 406 \? '([A-Z_]+)' : '([A-Z_]+)'/g))
        raised.add(match[1]!).add(match[2]!);
    }
    expect(raised.size).toBeGreaterThan(50);
    expect([...raised].filter((code) => !known.has(code))).toEqual([]);
  });

  it('maps every category: a server-side failure is a 5xx with its own code and message', () => {
    const http = toHttpError(new Probe('LAKE_CORRUPT_LOG', LakeErrorCode.LAKE_CORRUPT_LOG, 'Corrupt Delta log file x'));
    expect(http.status).toBe(500);
    expect(http.body.code).toBe('LAKE_CORRUPT_LOG');
    expect(http.body.message).toContain('Corrupt Delta log file x');
    const statuses = Object.values(ErrorCategory).map((category) => statusOf(new Probe('X', category, 'probe')));
    expect(statuses).toEqual([400, 404, 409, 403, 401, 503, 500]);
  });

  it('keeps the headers: WWW-Authenticate on 401, Retry-After from details', () => {
    expect(toHttpError(new UnauthorizedError('no token')).headers).toEqual({
      'www-authenticate': 'Bearer realm="strata"',
    });
    const limited = toHttpError(new Probe('API_RATE_LIMITED', 'unavailable', 'slow down', { retryAfterSeconds: 1.2 }));
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '2']);
    expect(toHttpError(new NotFoundError('gone')).status).toBe(404);
  });

  it('masks anything that is not a StrataError as a 500 INTERNAL', () => {
    const http = toHttpError(new Error('secret internals'));
    expect([http.status, http.body.code, http.body.message.includes('secret')]).toEqual([500, 'INTERNAL', false]);
  });
});
