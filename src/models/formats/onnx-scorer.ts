/**
 * ONNX models through onnxruntime-node (CPU execution provider). The runtime is imported
 * when the first ONNX model loads, so `strata/models` stays light for everyone else. The
 * model takes one float tensor [rows, features]; the answer is one of its outputs
 * (default the first), flattened row-major. A model that onnxruntime refuses is a
 * ModelFormatInvalidError with onnxruntime's reason.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelFormatInvalidError, ModelFormatUnsupportedError, ModelInputInvalidError } from './format-errors.js';
import type { ModelScorer } from './model-scorer.js';

const FORMAT = 'ONNX';

export interface OnnxScorerOptions {
  /** The output to answer (default: the model's first output). */
  readonly output?: string;
}

type Runtime = typeof import('onnxruntime-node');
let runtime: Promise<Runtime> | undefined;

async function onnxRuntime(): Promise<Runtime> {
  runtime ??= import('onnxruntime-node').catch((error: unknown) => {
    runtime = undefined;
    throw new ModelFormatUnsupportedError(
      FORMAT,
      'onnxruntime-node, which did not load',
      `install it (ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node): ${(error as Error).message}`,
    );
  });
  return runtime;
}

export async function loadOnnxScorer(bytes: Uint8Array, options: OnnxScorerOptions = {}): Promise<ModelScorer> {
  const ort = await onnxRuntime();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  } catch (error) {
    throw new ModelFormatInvalidError(FORMAT, firstLine((error as Error).message), {}, { cause: error });
  }
  try {
    return scorerOf(ort, session, options);
  } catch (error) {
    await session.release();
    throw error;
  }
}

function scorerOf(ort: Runtime, session: InferenceSession, options: OnnxScorerOptions): ModelScorer {
  if (session.inputNames.length !== 1) {
    throw new ModelFormatUnsupportedError(
      FORMAT,
      `${session.inputNames.length} inputs (${session.inputNames.join(', ')})`,
      'export the model with one float input [rows, features]',
    );
  }
  const input = session.inputMetadata[0]!;
  const shape = input.isTensor ? input.shape : [];
  if (!input.isTensor || input.type !== 'float32' || shape.length !== 2) {
    throw new ModelFormatUnsupportedError(
      FORMAT,
      `the input ${input.name} (${input.isTensor ? `${input.type} of shape [${shape.join(', ')}]` : 'not a tensor'})`,
      'export the model with one float input [rows, features]',
    );
  }
  const outputName = options.output ?? session.outputNames[0]!;
  const output = session.outputMetadata.find((o) => o.name === outputName);
  if (output === undefined) {
    throw new ModelFormatInvalidError(
      FORMAT,
      `no output named ${outputName} (outputs: ${session.outputNames.join(', ')})`,
    );
  }
  const featureCount = typeof shape[1] === 'number' ? shape[1] : undefined;
  const outShape = output.isTensor ? output.shape : [];
  const outputsPerRow =
    outShape.length <= 1 ? 1 : outShape.slice(1).reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1);
  let closed = false;
  return {
    format: 'onnx',
    featureCount,
    outputsPerRow,
    async predict(columns) {
      if (closed) throw new ModelInputInvalidError('the ONNX scorer is closed');
      if (featureCount !== undefined && columns.length !== featureCount) {
        throw new ModelInputInvalidError(`${columns.length} feature columns given, the model expects ${featureCount}`, {
          got: columns.length,
          expected: featureCount,
        });
      }
      const rows = columns[0]?.length ?? 0;
      const width = columns.length;
      const x = new Float32Array(rows * width);
      columns.forEach((column, f) => {
        if (column.length !== rows)
          throw new ModelInputInvalidError(`column ${f} has ${column.length} rows, column 0 has ${rows}`, {
            column: f,
          });
        for (let r = 0; r < rows; r++) x[r * width + f] = column[r]!;
      });
      const result = await session.run({ [input.name]: new ort.Tensor('float32', x, [rows, width]) }, [outputName]);
      const tensor = result[outputName] as Tensor;
      return Float64Array.from(tensor.data as ArrayLike<number>);
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}

const firstLine = (message: string): string => message.split('\n')[0] ?? message;
