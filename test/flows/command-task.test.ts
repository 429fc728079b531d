/**
 * Command tasks: a real Python training script (Debian's python3-xgboost and
 * python3-sklearn) run by `f.command` against a real listening Strata server. Strata
 * creates the MLflow run before the program starts; the script logs params, metrics and
 * its XGBoost JSON model over the MLflow REST API with plain urllib; Strata then
 * registers the model (MLflow registry routes), downloads the artifact and scores it with
 * its own XGBoost scorer, which must agree with the script's predictions. Also: exit
 * codes as outcomes with retries (one MLflow run per attempt, ended FAILED), a timeout
 * that kills the program, stdout/stderr as the task's log.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, afterEach, expect, it } from 'vitest';
import { defineFlow, taskLogs, type FlowDefinition } from '../../src/flows/index.js';
import { loadXgboostJson, mlflowCommandTracking, predictBatch } from '../../src/models/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { openHarness, type Harness } from './helpers/flow-harness.js';

type Json = Record<string, unknown>;

const PYTHON = process.env['STRATA_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const SCRIPT = join(import.meta.dirname, 'fixtures/train-xgboost.py');
const SEED = Number(process.env['STRATA_TEST_SEED'] ?? 14);

/** A small seeded classification CSV: label = x0 + x1² + noise > 0.5. */
function writeCsv(dir: string): string {
  console.log(`command-task data seed ${SEED} (STRATA_TEST_SEED overrides)`);
  let state = SEED >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const lines = ['x0,x1,x2,label'];
  for (let r = 0; r < 400; r++) {
    const x = [next() * 2 - 1, next() * 2 - 1, next()];
    const label = x[0]! + x[1]! * x[1]! + 0.3 * (next() - 0.5) > 0.5 ? 1 : 0;
    lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${label}`);
  }
  const path = join(dir, 'train.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describeBackends('command tasks', (backend) => {
  let api: TestApi;
  let harness: Harness | undefined;
  let dir: string;
  beforeAll(async () => {
    api = await startTestApi({ seed: false });
    dir = mkdtempSync(join(tmpdir(), 'strata-command-test-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const open = async (flows: FlowDefinition[]) => (harness = await openHarness(backend, { flows }));
  const mlflow = async (method: string, path: string, body?: unknown) => {
    const response = await api.fetch(`/api/2.0/mlflow/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };

  it('runs a Python training script that logs into Strata; Strata registers and scores its model', async () => {
    const csv = writeCsv(dir);
    const tracking = mlflowCommandTracking({ experimentName: 'churn', trackingUri: api.url, token: api.tokens.writer });
    const flow = defineFlow({ id: 'train', params: { max_depth: 3, rounds: 20 } }, (f) => {
      const data = f.task('prepare', async () => ({ path: csv }));
      f.command('fit', [PYTHON, SCRIPT], { inputs: { data }, tracking, timeoutMs: 120_000 });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('train', { max_depth: 4 });
    const done = await h.waitForRun(run.runId, 120_000);
    const fit = (await h.tasks(run.runId)).get('fit')!;
    const logs = await taskLogs(h.system.queue.meta.db, fit.id);
    expect(done.state, JSON.stringify({ error: fit.error, logs })).toBe('success');
    expect(logs.find((l) => l.stream === 'stdout')?.line).toMatch(/^trained 20 trees of depth 4 on 300 rows: auc /);
    expect(logs.find((l) => l.stream === 'stderr')?.line).toMatch(/^xgboost \d/);

    const result = fit.output as { exitCode: number; trackingRunId: string; output: Json };
    expect(result.exitCode).toBe(0);
    const { json: got } = await mlflow('GET', `runs/get?run_id=${result.trackingRunId}`);
    const mlRun = got['run'] as { info: Json; data: Record<string, { key: string; value: unknown }[]> };
    expect(mlRun.info['status']).toBe('FINISHED');
    expect(mlRun.data['params']).toEqual([
      { key: 'max_depth', value: '4' },
      { key: 'rounds', value: '20' },
    ]);
    expect(mlRun.data['metrics']?.find((m) => m.key === 'auc')?.value).toBeCloseTo(result.output['auc'] as number, 12);
    const tags = Object.fromEntries(mlRun.data['tags']!.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'strata.flow.id': 'train',
      'strata.flow.run_id': String(run.runId),
      'strata.task.id': 'fit',
    });

    // Register the logged model, resolve it back and score it with Strata's scorer.
    const experimentId = String(mlRun.info['experiment_id']);
    expect((await mlflow('POST', 'registered-models/create', { name: 'churn' })).status).toBe(200);
    const version = await mlflow('POST', 'model-versions/create', {
      name: 'churn',
      source: `mlflow-artifacts:/${experimentId}/${result.trackingRunId}/artifacts/model`,
      run_id: result.trackingRunId,
    });
    expect(version.json['model_version']).toMatchObject({ name: 'churn', version: '1', run_id: result.trackingRunId });
    const source = String((version.json['model_version'] as Json)['source']).replace('mlflow-artifacts:/', '');
    const artifact = await api.fetch(`/api/2.0/mlflow-artifacts/artifacts/${source}/model.json`);
    expect(artifact.status).toBe(200);
    const model = loadXgboostJson(await artifact.text());
    const rows = result.output['rows'] as number[][];
    const columns = [0, 1, 2].map((f) => Float64Array.from(rows, (r) => r[f]!));
    const ours = predictBatch(model.ensemble, columns);
    const theirs = result.output['predictions'] as number[];
    expect(rows.length).toBe(50);
    for (let r = 0; r < rows.length; r++) expect(Math.abs(ours[r]! - theirs[r]!)).toBeLessThan(1e-6);
  }, 180_000);

  it('turns a non-zero exit into a failed attempt, retried, each attempt with its own MLflow run ended FAILED', async () => {
    const tracking = mlflowCommandTracking({
      experimentName: 'failing',
      trackingUri: api.url,
      token: api.tokens.writer,
    });
    const flow = defineFlow({ id: 'exits' }, (f) => {
      f.command('boom', ['sh', '-c', 'echo "attempt $STRATA_ATTEMPT for $MLFLOW_RUN_ID"; echo oops >&2; exit 3'], {
        tracking,
        retries: { retries: 1, delayMs: 10, backoff: 'fixed' },
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('exits');
    expect((await h.waitForRun(run.runId)).state).toBe('failed');
    const boom = (await h.tasks(run.runId)).get('boom')!;
    expect(boom.attempt).toBe(2);
    expect(JSON.stringify(boom.error)).toContain('FLOW_COMMAND_FAILED');
    expect(JSON.stringify(boom.error)).toContain('exited with code 3');
    const logs = await taskLogs(h.system.queue.meta.db, boom.id);
    const runIds = logs.filter((l) => l.stream === 'stdout').map((l) => /for (\S+)$/.exec(l.line)?.[1]);
    expect(runIds).toHaveLength(2);
    expect(new Set(runIds).size).toBe(2);
    expect(logs.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['oops', 'oops']);
    for (const id of runIds) {
      const { json } = await mlflow('GET', `runs/get?run_id=${id}`);
      expect((json['run'] as { info: Json }).info['status']).toBe('FAILED');
    }
  }, 60_000);

  it('kills a program that outlives its timeout, with what it started, and passes params and inputs', async () => {
    const marker = join(dir, 'survivor');
    const flow = defineFlow({ id: 'slow', params: { label: 'x y' } }, (f) => {
      const n = f.task('n', async () => ({ count: 2 }));
      f.command(
        'echo',
        ['sh', '-c', 'echo "$STRATA_PARAM_LABEL|$STRATA_INPUT_N"; printf \'{"ok":true}\' > "$STRATA_OUTPUT_FILE"'],
        {
          inputs: { n },
        },
      );
      f.command('sleepy', ['sh', '-c', `(sleep 2; touch ${marker}) & sleep 30`], { timeoutMs: 300, killGraceMs: 200 });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('slow');
    expect((await h.waitForRun(run.runId)).state).toBe('failed');
    const tasks = await h.tasks(run.runId);
    expect(tasks.get('echo')?.output).toEqual({ exitCode: 0, trackingRunId: null, output: { ok: true } });
    const echoLogs = await taskLogs(h.system.queue.meta.db, tasks.get('echo')!.id);
    expect(echoLogs.map((l) => l.line)).toEqual(['x y|{"count":2}']);
    expect(JSON.stringify(tasks.get('sleepy')?.error)).toContain('timed out after 300 ms');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
