/**
 * Every model format behind one scorer interface (loadScorer by format). ONNX runs
 * through onnxruntime-node on CPU on a tiny logistic-regression graph built by
 * fixtures/make-linear-onnx.py (hand-encoded protobuf: Debian has no skl2onnx, and the
 * onnx package is not installed), whose expected outputs numpy computed independently.
 * A model that does not load is a typed error naming ONNX and onnxruntime's reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  gbtEnsemble,
  loadScorer,
  ModelFormatInvalidError,
  ModelFormatUnsupportedError,
  ModelInputInvalidError,
  predictBatch,
  serializeGbtModel,
  trainGbt,
} from '../../src/models/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const ONNX = fixture('linear-model.onnx');
const EXPECTED = JSON.parse(fixture('linear-model-expected.json').toString()) as {
  rows: number[][];
  logit: number[];
  probability: number[];
};
const columnsOf = (rows: number[][]) => [0, 1, 2].map((f) => Float64Array.from(rows, (r) => r[f]!));

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const bad = expected.flatMap((e, i) => (Math.abs(actual[i]! - e) <= 1e-6 ? [] : [{ i, actual: actual[i], e }]));
  expect(bad).toEqual([]);
}

describe('ONNX scorer (onnxruntime-node, CPU)', () => {
  it('scores the linear model as numpy does, first output by default or a named one', async () => {
    const scorer = await loadScorer('onnx', ONNX);
    expect([scorer.format, scorer.featureCount, scorer.outputsPerRow]).toEqual(['onnx', 3, 1]);
    expectClose(await scorer.predict(columnsOf(EXPECTED.rows)), EXPECTED.probability);
    await scorer.close();
    const logits = await loadScorer('onnx', ONNX, { onnx: { output: 'logit' } });
    expectClose(await logits.predict(columnsOf(EXPECTED.rows)), EXPECTED.logit);
    await logits.close();
  });

  it('refuses rows that do not fit, and scoring after close', async () => {
    const scorer = await loadScorer('onnx', ONNX);
    await expect(scorer.predict([Float64Array.of(1), Float64Array.of(2)])).rejects.toThrow(ModelInputInvalidError);
    await expect(scorer.predict([Float64Array.of(1), Float64Array.of(2), Float64Array.of()])).rejects.toThrow(
      /column 2 has 0 rows/,
    );
    await scorer.close();
    await expect(scorer.predict(columnsOf(EXPECTED.rows))).rejects.toThrow(/closed/);
  });

  it('answers a typed error naming the reason for a model that does not load', async () => {
    for (const bytes of [ONNX.subarray(0, ONNX.length - 40), Buffer.from('not a model at all')]) {
      const error = await loadScorer('onnx', bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFormatInvalidError);
      expect((error as ModelFormatInvalidError).code).toBe('MODEL_FORMAT_INVALID');
      expect((error as Error).message).toMatch(/^\[MODEL_FORMAT_INVALID\] The ONNX model does not load: \S/);
    }
    const error = await loadScorer('onnx', ONNX, { onnx: { output: 'nope' } }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('no output named nope (outputs: probability, logit)');
  });
});

describe('scorers of the tree formats', () => {
  it('score Strata GBT models as the ensemble scorer does', async () => {
    const rows = 200;
    const columns = [0, 1, 2].map((f) => Float32Array.from({ length: rows }, (_, r) => Math.sin(r * (f + 1))));
    const labels = Float32Array.from({ length: rows }, (_, r) => (columns[0]![r]! + columns[1]![r]! > 0 ? 1 : 0));
    const { model } = trainGbt({ columns, labels }, { objective: 'binary:logistic', rounds: 5, maxDepth: 3 });
    const scorer = await loadScorer('strata-gbt', serializeGbtModel(model));
    expect([scorer.format, scorer.featureCount, scorer.outputsPerRow]).toEqual(['strata-gbt', 3, 1]);
    expect(await scorer.predict(columns)).toEqual(predictBatch(gbtEnsemble(model), columns));
    await expect(loadScorer('xgboost-json', '{}')).rejects.toThrow(ModelFormatInvalidError);
    await expect(loadScorer('pickle' as 'onnx', '')).rejects.toThrow(ModelInputInvalidError);
    expect(ModelFormatUnsupportedError).toBeDefined();
  });
});
