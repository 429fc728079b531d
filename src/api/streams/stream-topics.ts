/**
 * Topic names, parsed once into a discriminated union. Table topics are keyed by the
 * catalog's canonical `schema.table`, so `tables/sales` and `tables/main.sales` are one
 * topic with one source.
 */
import { formatTableName, type Catalog } from '../../catalog/index.js';
import { UnknownTopicError } from './stream-errors.js';

export type TopicRef =
  | { readonly kind: 'table'; readonly topic: string; readonly table: string }
  | { readonly kind: 'runs'; readonly topic: string }
  | { readonly kind: 'run'; readonly topic: string; readonly runId: number }
  | { readonly kind: 'metrics'; readonly topic: string };

export const tableTopic = (catalog: Catalog, name: string): string =>
  `tables/${formatTableName(catalog.resolve(name))}`;
export const runTopic = (runId: number): string => `runs/${runId}`;
export const RUNS_TOPIC = 'runs';
export const METRICS_TOPIC = 'metrics';

export function parseTopic(catalog: Catalog, topic: string): TopicRef {
  if (topic === RUNS_TOPIC) return { kind: 'runs', topic };
  if (topic === METRICS_TOPIC) return { kind: 'metrics', topic };
  if (topic.startsWith('runs/')) {
    const id = topic.slice('runs/'.length);
    if (!/^[1-9]\d{0,15}$/.test(id))
      throw new UnknownTopicError(topic, `"${id}" in topic "${topic}" is not a run id; use runs/<positive integer>.`);
    return { kind: 'run', topic, runId: Number(id) };
  }
  if (topic.startsWith('tables/')) {
    let table: string;
    try {
      table = formatTableName(catalog.resolve(topic.slice('tables/'.length)));
    } catch (error) {
      throw new UnknownTopicError(
        topic,
        `"${topic}" does not name a table; use tables/<schema.table>.`,
        {},
        { cause: error },
      );
    }
    return { kind: 'table', topic: `tables/${table}`, table };
  }
  throw new UnknownTopicError(
    topic,
    `Unknown topic "${topic}"; topics are tables/<schema.table>, runs, runs/<runId> and metrics.`,
  );
}

/** Event ids are decimal integers; anything else in Last-Event-ID is refused by the caller. */
export function parseEventId(text: string): number | undefined {
  const trimmed = text.trim();
  return /^-?\d{1,16}$/.test(trimmed) ? Number(trimmed) : undefined;
}
