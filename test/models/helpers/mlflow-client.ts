/**
 * Replays MLflow request fixtures against a real server: `${name}` in paths and bodies
 * is replaced by values captured from earlier responses; each response must have the
 * expected status and contain the expected JSON (a subset; arrays match element-wise).
 */
import { expect } from 'vitest';
import type { TestApi } from '../../api/helpers/api-harness.js';

export interface FixtureStep {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly raw?: string;
  readonly contentType?: string;
  readonly status?: number;
  readonly expect?: unknown;
  readonly capture?: Readonly<Record<string, string>>;
}

export interface FixtureSequence {
  readonly call: string;
  readonly steps: readonly FixtureStep[];
}

export function substitute<T>(value: T, vars: ReadonlyMap<string, string>): T {
  return JSON.parse(
    JSON.stringify(value).replace(/\$\{(\w+)\}/g, (whole, name: string) => {
      const found = vars.get(name);
      if (found === undefined) throw new Error(`fixture variable ${whole} was not captured`);
      return found;
    }),
  ) as T;
}

export async function replay(
  api: TestApi,
  sequence: FixtureSequence,
  vars: Map<string, string>,
  token?: string,
): Promise<void> {
  for (const raw of sequence.steps) {
    const step = substitute(raw, vars);
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (step.raw !== undefined) {
      headers['content-type'] = step.contentType ?? 'application/octet-stream';
      body = step.raw;
    } else if (step.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(step.body);
    }
    const response = await api.fetch(step.path, {
      method: step.method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(token === undefined ? {} : { token }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    expect({ call: sequence.call, path: step.path, status: response.status, json }).toMatchObject({
      status: step.status ?? 200,
    });
    if (step.expect !== undefined)
      expect(json, `${sequence.call}: ${step.method} ${step.path}`).toMatchObject(step.expect as object);
    for (const [name, path] of Object.entries(step.capture ?? {})) {
      const value = path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], json);
      if (typeof value !== 'string')
        throw new Error(`${sequence.call}: no string at ${path} in ${JSON.stringify(json)}`);
      vars.set(name, value);
    }
  }
}

/** A JSON request to an MLflow route; answers status and JSON. */
export async function call(
  api: TestApi,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await api.fetch(`/api/2.0/mlflow/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...(token === undefined ? {} : { token }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
