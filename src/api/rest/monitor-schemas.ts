/** Response schemas of the monitor routes (closed shapes: Fastify drops what they do not list). */
import { bool, int, object, str, strings } from './flow-schemas.js';

export const MONITOR_TAGS = ['monitors'];
const num = { type: 'number' } as const;

export const MONITOR_LIST = object({
  monitors: {
    type: 'array',
    items: object({
      name: str,
      model: str,
      tables: strings,
      features: strings,
      lastRunAt: { type: ['string', 'null'] },
      lastBreach: { type: ['boolean', 'null'] },
    }),
  },
});

export const MONITOR_RESULTS = object({
  monitor: str,
  model: str,
  results: {
    type: 'array',
    items: object({
      runId: str,
      runAt: str,
      kind: { type: 'string', enum: ['drift', 'quality', 'multivariate', 'performance'] },
      feature: str,
      statistic: str,
      value: num,
      threshold: num,
      direction: { type: 'string', enum: ['below', 'at-or-above'] },
      referenceSize: int,
      currentSize: int,
      breach: bool,
    }),
  },
  alerts: {
    type: 'array',
    items: object({
      runId: str,
      alertedAt: str,
      summary: str,
      evidence: {},
      delivered: bool,
      attempts: int,
      retrainFlow: { type: ['string', 'null'] },
    }),
  },
});
