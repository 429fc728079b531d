/**
 * OpenAPI pieces of the feature-serving routes (feature-routes.ts). Feature values are
 * typed per feature (numbers, strings, booleans, ISO timestamps, null), so value arrays
 * take any JSON value; everything else is listed, as Fastify drops unlisted properties.
 */
export const FEATURE_TAGS = ['features'];

const STATUS = { type: 'string', enum: ['PRESENT', 'NOT_FOUND', 'NULL_VALUE', 'OUTSIDE_MAX_AGE'] } as const;
const ANY_VALUES = { type: 'array', items: {} } as const;

export const ONLINE_BODY = {
  type: 'object',
  required: ['entities'],
  additionalProperties: false,
  properties: {
    service: { type: 'string', description: 'A feature service' },
    features: {
      type: 'array',
      items: { type: 'string' },
      description: 'Feature references `view:feature` or `view` (added after the service)',
    },
    entities: {
      type: 'array',
      items: { type: 'object', additionalProperties: true },
      description: "Entity rows: each view's join keys, and request data of on-demand features",
    },
    fullFeatureNames: { type: 'boolean', description: 'Name features `view__feature`' },
  },
} as const;

export const ONLINE_RESULT = {
  type: 'object',
  required: ['rows', 'joinKeys', 'features'],
  properties: {
    rows: { type: 'integer' },
    joinKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'values'],
        properties: { name: { type: 'string' }, values: ANY_VALUES },
      },
    },
    features: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ref', 'type', 'values', 'statuses', 'eventTimestamps'],
        properties: {
          name: { type: 'string' },
          ref: { type: 'string', description: '`view:feature` (or `onDemand:feature`)' },
          type: { type: 'string' },
          values: ANY_VALUES,
          statuses: { type: 'array', items: STATUS },
          eventTimestamps: {
            type: 'array',
            items: { type: ['string', 'null'] },
            description: 'RFC 3339; null where there is no row or the feature is on-demand',
          },
        },
      },
    },
  },
} as const;

/** Feast's feature-server request (`POST /get-online-features`); unknown Feast fields are ignored. */
export const FEAST_BODY = {
  type: 'object',
  required: ['entities'],
  properties: {
    features: { type: 'array', items: { type: 'string' } },
    feature_service: { type: 'string' },
    entities: { type: 'object', additionalProperties: { type: 'array' }, description: 'Join keys as columns' },
    full_feature_names: { type: 'boolean' },
  },
} as const;

export const FEAST_RESULT = {
  type: 'object',
  required: ['metadata', 'results'],
  properties: {
    metadata: {
      type: 'object',
      required: ['feature_names'],
      properties: { feature_names: { type: 'array', items: { type: 'string' } } },
    },
    results: {
      type: 'array',
      description: 'One per name in metadata.feature_names (entity columns first), each across the entity rows',
      items: {
        type: 'object',
        required: ['values', 'statuses', 'event_timestamps'],
        properties: {
          values: ANY_VALUES,
          statuses: { type: 'array', items: STATUS },
          event_timestamps: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const PUSH_BODY = {
  type: 'object',
  required: ['view', 'rows'],
  additionalProperties: false,
  properties: {
    view: { type: 'string', description: 'The feature view the rows belong to' },
    rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
    to: {
      type: 'string',
      enum: ['online', 'offline', 'both'],
      description: "The online store, the view's source table, or both (default online)",
    },
  },
} as const;

export const PUSH_RESULT = {
  type: 'object',
  required: ['view', 'to', 'rows'],
  properties: {
    view: { type: 'string' },
    to: { type: 'string', enum: ['online', 'offline', 'both'] },
    rows: { type: 'integer' },
    online: {
      type: 'object',
      required: ['written', 'skipped'],
      properties: {
        written: { type: 'integer', description: 'Rows newer than the stored ones' },
        skipped: { type: 'integer', description: 'Rows not newer than the stored ones (left as they were)' },
      },
    },
    offline: {
      type: 'object',
      required: ['table', 'version'],
      properties: { table: { type: 'string' }, version: { type: 'integer' } },
    },
  },
} as const;
