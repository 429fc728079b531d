/**
 * Monitors on real Delta tables: a run without drift breaches nothing and writes its
 * results; a run with a known shift breaches on that feature, records the alert and
 * POSTs its evidence to a real local HTTP receiver (which fails first: retried), and the
 * webhook's secret never reaches a log line or the alert record. Seeded (printed;
 * STRATA_TEST_SEED replays another).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, fromRows } from '../../src/lake/index.js';
import {
  defineMonitor,
  lakeMonitorIo,
  monitorFlow,
  monitoring,
  readMonitorTable,
  runMonitor,
  type MonitorAlert,
} from '../../src/models/index.js';

const SEED = Number(process.env.STRATA_TEST_SEED ?? 1515);

function rows(random: monitoring.SeededRandom, n: number, shift: number, start: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const a = random.normal() + shift;
    const b = random.normal();
    const score = 1 / (1 + Math.exp(-2 * a));
    return {
      request_id: `r${start + i}`,
      a,
      b,
      c: random.next() < 0.5 ? 'x' : 'y',
      score,
      label: random.next() < score ? 1 : 0,
    };
  });
}

describe('monitors', () => {
  let warehouse: string;
  let receiver: Server;
  let url: string;
  const received: MonitorAlert[] = [];
  let requests = 0;

  beforeAll(async () => {
    warehouse = mkdtempSync(path.join(tmpdir(), 'strata-monitors-'));
    console.log(`seed ${SEED}`);
    const random = monitoring.seededRandom(SEED);
    const write = async (name: string, data: Record<string, unknown>[]) =>
      DeltaTable.create(path.join(warehouse, 'lake', name), { data: fromRows(data) });
    await write('train', rows(random, 3000, 0, 0));
    await write('log_same', rows(random, 2000, 0, 10_000));
    const shifted = rows(random, 1000, 1, 20_000);
    await write(
      'log_shifted',
      shifted.map(({ label: _label, ...r }) => r),
    );
    await write(
      'labels',
      shifted.map((r) => ({ request_id: r.request_id, label: r.label })),
    );
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests++;
        // The first delivery fails: the sender must retry.
        if (requests === 1) {
          res.writeHead(503).end();
          return;
        }
        expect(req.headers.authorization).toBe(`Basic ${Buffer.from('user:pw-secret').toString('base64')}`);
        received.push(JSON.parse(body) as MonitorAlert);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    url = `http://user:pw-secret@127.0.0.1:${port}/hooks/tok-secret?key=q-secret`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(warehouse, { recursive: true, force: true });
  });

  const io = () => lakeMonitorIo(warehouse, (table) => Promise.resolve(path.join(warehouse, 'lake', table)));

  const monitor = (table: string) =>
    defineMonitor({
      name: `churn_${table}`,
      model: 'churn@champion',
      reference: { kind: 'training_set', table: 'train' },
      current: { table, prediction: 'score', labels: { table: 'labels', joinOn: 'request_id', label: 'label' } },
      features: [
        { name: 'a', kind: 'numeric' },
        { name: 'b', kind: 'numeric' },
        { name: 'c', kind: 'categorical' },
      ],
      rules: { performance: { score: 'score', label: 'label', maxAccuracyDrop: 0.1 } },
      alerts: { webhook: url, retrainFlow: 'retrain_churn' },
    });

  it('a run without drift breaches nothing and writes one row per feature and statistic', async () => {
    const lines: string[] = [];
    const outcome = await runMonitor(monitor('log_same'), io(), { runId: 'run-1', log: (l) => lines.push(l) });
    expect(outcome.evaluation.breached, outcome.evaluation.summary).toBe(false);
    expect(outcome.alert).toBeUndefined();
    const results = await readMonitorTable(warehouse, 'churn_log_same', 'results');
    const drift = results.filter((r) => r.kind === 'drift').map((r) => [r.feature, r.statistic, r.breach]);
    expect(drift).toEqual([
      ['a', 'wasserstein-normed', false],
      ['b', 'wasserstein-normed', false],
      ['c', 'jensen-shannon', false],
      ['score', 'wasserstein-normed', false],
    ]);
    expect(results.every((r) => Number(r.reference_size) > 0 && Number(r.current_size) > 0)).toBe(true);
    expect(results.some((r) => r.statistic === 'domain_classifier_auc')).toBe(true);
    expect(results.some((r) => r.statistic === 'estimated_accuracy')).toBe(true);
    expect(await readMonitorTable(warehouse, 'churn_log_same', 'alerts')).toEqual([]);
  });

  it('a known shift breaches on that feature, alerts with the evidence and retries the webhook', async () => {
    const lines: string[] = [];
    const outcome = await runMonitor(monitor('log_shifted'), io(), {
      runId: 'run-2',
      log: (l) => lines.push(l),
      webhookDelayMs: 10,
    });
    expect(outcome.evaluation.breached).toBe(true);
    const driftedFeatures = outcome.evaluation.results
      .filter((r) => r.kind === 'drift' && r.breach)
      .map((r) => r.feature);
    expect(driftedFeatures).toContain('a');
    expect(driftedFeatures).not.toContain('b');
    expect(outcome.delivery).toMatchObject({ delivered: true, attempts: 2, status: 204 });
    expect(received).toHaveLength(1);
    const alert = received[0]!;
    expect(alert.topDrifting[0]).toMatchObject({ feature: 'a', statistic: 'wasserstein-normed', referenceSize: 3000 });
    expect(alert.topDrifting[0]!.value).toBeGreaterThan(alert.topDrifting[0]!.threshold);
    expect(alert.retrainFlow).toBe('retrain_churn');
    // Realized accuracy from the late labels, joined by request id.
    expect(outcome.evaluation.results.some((r) => r.statistic === 'realized_accuracy' && r.current_size === 1000)).toBe(
      true,
    );
    const alerts = await readMonitorTable(warehouse, 'churn_log_shifted', 'alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ run_id: 'run-2', delivered: true, retrain_flow: 'retrain_churn' });
    const recorded = JSON.stringify({ lines, alerts });
    expect(lines.some((l) => l.includes('attempt 1 failed (HTTP 503)'))).toBe(true);
    for (const secret of ['pw-secret', 'tok-secret', 'q-secret']) expect(recorded).not.toContain(secret);
  });

  it('becomes a flow on its schedule', () => {
    const flow = monitorFlow(monitor('log_same'));
    expect(flow.id).toBe('monitor_churn_log_same');
    expect([...flow.tasks.values()].map((t) => [t.id, [...t.reads].sort()])).toEqual([
      ['evaluate', ['labels', 'log_same', 'train']],
    ]);
    expect(() => defineMonitor({ ...monitor('x'), name: 'Bad Name' })).toThrow(/MODEL_INVALID_PARAMETER.*name must be/);
  });
});
