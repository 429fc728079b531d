/** Response schemas of the model routes (Fastify drops what a schema does not list: these list everything). */

const nullableNumber = { type: ['number', 'null'] } as const;

export const PREDICT_BODY = {
  type: 'object',
  required: ['rows'],
  additionalProperties: false,
  properties: {
    rows: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: { type: 'object', additionalProperties: true },
      description: 'rows of named feature values (numbers; null for a missing value)',
    },
    requestId: { type: 'string', maxLength: 200, description: 'kept in the prediction log (default: a new UUID)' },
    key: {
      type: 'string',
      maxLength: 500,
      description:
        "an entity key: under the model's traffic split the same key always gets the same version (default: the request id)",
    },
  },
} as const;

export const PREDICT_RESULT = {
  type: 'object',
  required: ['requestId', 'model', 'version', 'predictions'],
  additionalProperties: false,
  properties: {
    requestId: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'integer' },
    alias: { type: 'string' },
    routed: { type: 'boolean', description: "true when the model's traffic policy chose the version" },
    predictions: {
      type: 'array',
      items: { anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }] },
    },
  },
} as const;

const SOURCE = {
  type: 'object',
  required: ['table', 'location', 'version'],
  additionalProperties: false,
  properties: {
    table: { type: 'string' },
    location: { type: 'string' },
    version: { type: 'integer' },
    view: { type: 'string' },
  },
} as const;

export const RECORDED_LINEAGE = {
  type: ['object', 'null'],
  required: ['runId', 'recordedTime', 'definitions', 'sources'],
  additionalProperties: false,
  properties: {
    runId: { type: 'string' },
    recordedTime: { type: 'integer' },
    trainingSet: {
      type: 'object',
      required: ['table', 'version'],
      additionalProperties: false,
      properties: { table: { type: 'string' }, version: { type: 'integer' } },
    },
    featureService: { type: 'string' },
    definitions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'name', 'version'],
        additionalProperties: false,
        properties: { kind: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' } },
      },
    },
    sources: { type: 'array', items: SOURCE },
    flowRun: {
      type: 'object',
      required: ['runId', 'taskId'],
      additionalProperties: false,
      properties: { runId: { type: 'string' }, taskId: { type: 'string' } },
    },
    codeVersion: { type: 'string' },
  },
} as const;

export const VERSION_LINEAGE = {
  type: 'object',
  required: ['name', 'version', 'runId', 'lineage'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    version: { type: 'integer' },
    runId: { type: ['string', 'null'] },
    lineage: RECORDED_LINEAGE,
  },
} as const;

export const TRAINED_ON = {
  type: 'object',
  required: ['table', 'versions'],
  additionalProperties: false,
  properties: {
    table: { type: 'string' },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'version', 'runId', 'table', 'deltaVersion', 'via'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          version: { type: 'integer' },
          runId: { type: 'string' },
          table: { type: 'string' },
          deltaVersion: { type: 'integer' },
          via: { type: 'string', enum: ['source', 'trainingSet'] },
        },
      },
    },
  },
} as const;

const RULE = {
  type: 'object',
  required: ['kind', 'metric', 'threshold'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['absolute', 'absoluteImprovement', 'relativeImprovement'] },
    metric: { type: 'string', enum: ['auc', 'accuracy', 'rmse', 'mae', 'logloss'] },
    threshold: { type: 'number' },
  },
} as const;

export const GATE_SPEC = {
  type: 'object',
  required: ['table', 'label', 'rules'],
  additionalProperties: false,
  properties: {
    table: { type: 'string', description: 'the evaluation table' },
    version: {
      type: 'integer',
      minimum: 0,
      description: "the table's Delta version (default: latest at each evaluation)",
    },
    label: { type: 'string' },
    rules: { type: 'array', minItems: 1, items: RULE },
    confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    resamples: { type: 'integer', minimum: 10, maximum: 100_000 },
    seed: { type: 'integer' },
  },
} as const;

export const GATE_VIEW = {
  type: 'object',
  required: ['name', 'gate'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, gate: { ...GATE_SPEC, type: ['object', 'null'] } },
} as const;

export const GATE_DECISION = {
  type: 'object',
  required: [
    'id',
    'name',
    'version',
    'passed',
    'championVersion',
    'table',
    'tableVersion',
    'rows',
    'confidence',
    'resamples',
    'seed',
    'results',
    'decidedTime',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    version: { type: 'integer' },
    passed: { type: 'boolean' },
    championVersion: { type: ['integer', 'null'] },
    table: { type: 'string' },
    tableVersion: { type: 'integer' },
    rows: { type: 'integer' },
    confidence: { type: 'number' },
    resamples: { type: 'integer' },
    seed: { type: 'integer' },
    decidedTime: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['rule', 'passed', 'candidate', 'estimate', 'lower', 'upper'],
        additionalProperties: false,
        properties: {
          rule: RULE,
          passed: { type: 'boolean' },
          candidate: nullableNumber,
          champion: nullableNumber,
          estimate: nullableNumber,
          lower: nullableNumber,
          upper: nullableNumber,
          note: { type: 'string' },
        },
      },
    },
  },
} as const;

export const ALIAS_RESULT = {
  type: 'object',
  required: ['name', 'alias', 'version'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, alias: { type: 'string' }, version: { type: 'integer' } },
} as const;

export const RECORD_LINEAGE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    trainingSet: {
      type: 'string',
      minLength: 1,
      description: 'a training set table: its manifest gives sources and definitions',
    },
    trainingSetVersion: { type: 'integer', minimum: 0 },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['table', 'version'],
        additionalProperties: false,
        properties: {
          table: { type: 'string', minLength: 1 },
          version: { type: 'integer', minimum: 0 },
          view: { type: 'string' },
        },
      },
    },
    definitions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'name', 'version'],
        additionalProperties: false,
        properties: { kind: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' } },
      },
    },
    featureService: { type: 'string' },
    flowRun: {
      type: 'object',
      required: ['runId', 'taskId'],
      additionalProperties: false,
      properties: { runId: { type: 'string' }, taskId: { type: 'string' } },
    },
    codeVersion: { type: 'string' },
  },
} as const;
