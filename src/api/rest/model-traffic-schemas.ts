/** Schemas of the traffic routes: a model's policy, its changes, and its promotion experiment's looks. */
import { int, object, str } from './flow-schemas.js';

export const TRAFFIC_TAGS = ['models'];
const num = { type: 'number' } as const;
const nullableNum = { type: ['number', 'null'] } as const;

export const TRAFFIC_POLICY = {
  anyOf: [
    object({ kind: { const: 'full' }, version: int }),
    object({ kind: { const: 'shadow' }, serve: int, shadow: int, percent: num }),
    object({ kind: { const: 'split' }, versions: { type: 'array', items: object({ version: int, weight: num }) } }),
  ],
} as const;

export const TRAFFIC_CHANGE = object({
  revision: int,
  policy: TRAFFIC_POLICY,
  changedAt: str,
  changedBy: str,
  reason: str,
});

const EXPERIMENT = object({
  id: str,
  championVersion: int,
  challengerVersion: int,
  status: str,
  startedAt: str,
  endedAt: { type: ['string', 'null'] },
  reason: { type: ['string', 'null'] },
  looks: {
    type: 'array',
    items: object({
      look: int,
      at: str,
      decision: str,
      statistic: num,
      boundary: num,
      pValue: num,
      estimate: num,
      lower: nullableNum,
      upper: nullableNum,
      championN: int,
      challengerN: int,
      reason: str,
    }),
  },
});

export const TRAFFIC_VIEW = object({
  model: str,
  current: { anyOf: [object({ revision: int, policy: TRAFFIC_POLICY }), { type: 'null' }] },
  history: { type: 'array', items: TRAFFIC_CHANGE },
  experiments: { type: 'array', items: EXPERIMENT },
});

export const TRAFFIC_BODY = {
  type: 'object',
  required: ['policy'],
  properties: { policy: { type: 'object' }, reason: { type: 'string' } },
} as const;
