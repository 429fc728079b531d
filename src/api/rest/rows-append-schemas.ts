/** OpenAPI schemas of `POST /v1/tables/{name}/rows`: the `bad_rows` parameter and the append result. */
import { WRITE_RESULT } from './tables-schemas.js';

export const APPEND_QUERY = {
  type: 'object',
  properties: {
    bad_rows: {
      type: 'string',
      enum: ['fail', 'skip', 'quarantine'],
      default: 'fail',
      description:
        'NDJSON and CSV bodies: what to do with lines that do not fit (fail: 422, nothing written; skip: leave them out; quarantine: leave them out and return them in `rejected`)',
    },
  },
} as const;

export const APPEND_RESULT = {
  type: 'object',
  properties: {
    ...WRITE_RESULT.properties,
    skipped: { type: 'integer', description: 'Bad lines left out (bad_rows=skip or quarantine); absent when none' },
    rejected: {
      type: 'array',
      description: 'bad_rows=quarantine: the lines left out, each with its 1-based line number and the reason',
      items: {
        type: 'object',
        properties: {
          line: { type: 'integer' },
          column: { type: 'string' },
          value: { type: 'string' },
          reason: { type: 'string' },
          text: { type: 'string', description: 'The rejected line (truncated)' },
        },
      },
    },
  },
} as const;
