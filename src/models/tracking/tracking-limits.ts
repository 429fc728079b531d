/**
 * MLflow's limits on what a run logs (mlflow/utils/validation.py of MLflow 2.x): key
 * names and lengths, value lengths, and how much one log-batch may carry. Checked
 * before anything is written, so a refused batch writes nothing.
 */
import { ModelInvalidParameterError } from '../errors.js';

export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
} as const;

// Alphanumerics, underscores, dashes, periods, spaces and slashes; no path climbing.
const KEY = /^[/\w.\- ]*$/;

export function checkKey(kind: 'metric' | 'param' | 'tag', key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new ModelInvalidParameterError(`Missing value for required parameter 'key' of a ${kind}.`, { kind });
  }
  if (!KEY.test(key) || key.split('/').includes('..') || key.startsWith('/')) {
    throw new ModelInvalidParameterError(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
      { kind, key },
    );
  }
  if (key.length > LIMITS.keyLength) {
    throw new ModelInvalidParameterError(
      `'${key.slice(0, 20)}...' exceeds the maximum length of ${LIMITS.keyLength} for a ${kind} key.`,
      { kind, length: key.length, limit: LIMITS.keyLength },
    );
  }
  return key;
}

export function checkValue(kind: 'param' | 'tag', key: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new ModelInvalidParameterError(`Missing value for required parameter 'value' of ${kind} '${key}'.`, {
      kind,
      key,
    });
  }
  const limit = kind === 'param' ? LIMITS.paramValueLength : LIMITS.tagValueLength;
  if (value.length > limit) {
    throw new ModelInvalidParameterError(
      `'${value.slice(0, 20)}...' exceeds the maximum length of ${limit} for the value of ${kind} '${key}' (${value.length} characters).`,
      { kind, key, length: value.length, limit },
    );
  }
  return value;
}

export function checkBatch(metrics: number, params: number, tags: number): void {
  const over = (what: string, count: number, limit: number): never => {
    throw new ModelInvalidParameterError(
      `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
      { what, count, limit },
    );
  };
  if (metrics > LIMITS.batchMetrics) over('metrics', metrics, LIMITS.batchMetrics);
  if (params > LIMITS.batchParams) over('params', params, LIMITS.batchParams);
  if (tags > LIMITS.batchTags) over('tags', tags, LIMITS.batchTags);
  if (metrics + params + tags > LIMITS.batchTotal)
    over('metrics, params, and tags', metrics + params + tags, LIMITS.batchTotal);
}
