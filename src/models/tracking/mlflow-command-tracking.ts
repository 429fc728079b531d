/**
 * Tracking for command tasks in flows (`f.command(..., { tracking: mlflowCommandTracking(...) })`):
 * before the program starts, it creates the run over the MLflow REST API of a Strata server
 * (or any MLflow server), so the program's own MLflow client logs into that run through
 * MLFLOW_RUN_ID; after the program exits it ends the run with the program's outcome. The
 * run carries the flow, flow run, task and attempt as `strata.*` tags (lineage from a run
 * back to the flow run that produced it).
 *
 * Structurally it implements flows' CommandTracking: models does not import flows.
 */
import { ModelTrackingUnavailableError } from '../errors.js';

export interface MlflowCommandTrackingOptions {
  /** The experiment's name; created when missing. */
  readonly experimentName: string;
  /** The server's base URL (default: the worker's MLFLOW_TRACKING_URI). */
  readonly trackingUri?: string;
  /** A bearer token (default: the worker's MLFLOW_TRACKING_TOKEN). */
  readonly token?: string;
  /** Run name (default `<flow>.<task>`). */
  readonly runName?: string;
}

interface RunInfo {
  readonly flowId: string;
  readonly runId: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly attempt: number;
}

interface Tracked {
  readonly trackingUri: string;
  readonly token: string | undefined;
  readonly experimentId: string;
  readonly runId: string;
}

export interface MlflowCommandTracking {
  startRun(info: RunInfo): Promise<Tracked>;
  endRun(run: Tracked, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
}

export function mlflowCommandTracking(options: MlflowCommandTrackingOptions): MlflowCommandTracking {
  const target = (): { uri: string; token: string | undefined } => {
    const uri = options.trackingUri ?? process.env['MLFLOW_TRACKING_URI'];
    if (uri === undefined || uri === '')
      throw new ModelTrackingUnavailableError(
        'No tracking server for the command task: pass trackingUri to mlflowCommandTracking or set MLFLOW_TRACKING_URI in the worker environment.',
      );
    const token = options.token ?? process.env['MLFLOW_TRACKING_TOKEN'];
    return { uri: uri.replace(/\/+$/, ''), token: token === '' ? undefined : token };
  };
  return {
    async startRun(info) {
      const { uri, token } = target();
      const api = client(uri, token);
      const experimentId = await experimentIdOf(api, options.experimentName);
      const now = Date.now();
      const created = (await api('POST', 'runs/create', {
        experiment_id: experimentId,
        run_name: options.runName ?? `${info.flowId}.${info.taskId}`,
        start_time: now,
        tags: [
          { key: 'strata.flow.id', value: info.flowId },
          { key: 'strata.flow.run_id', value: String(info.runId) },
          { key: 'strata.task.id', value: info.taskId },
          { key: 'strata.task.map_index', value: String(info.mapIndex) },
          { key: 'strata.task.attempt', value: String(info.attempt) },
        ],
      })) as { run?: { info?: { run_id?: string } } };
      const runId = created.run?.info?.run_id;
      if (typeof runId !== 'string') throw new ModelTrackingUnavailableError(`${uri}: runs/create answered no run id`);
      return { trackingUri: uri, token, experimentId, runId };
    },
    async endRun(run, status) {
      await client(run.trackingUri, run.token)('POST', 'runs/update', {
        run_id: run.runId,
        status,
        end_time: Date.now(),
      });
    },
  };
}

type Api = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<unknown>;

function client(uri: string, token: string | undefined): Api {
  return async (method, path, body) => {
    const url = `${uri}/api/2.0/mlflow/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ModelTrackingUnavailableError(`${url}: ${(error as Error).message}`, { url }, { cause: error });
    }
    const json = (await response.json().catch(() => ({}))) as { error_code?: string; message?: string };
    if (!response.ok) {
      throw new ModelTrackingUnavailableError(
        `${method} ${url} answered ${response.status} ${json.error_code ?? ''}: ${json.message ?? ''}`.trim(),
        { url, status: response.status, mlflowCode: json.error_code ?? null },
      );
    }
    return json;
  };
}

async function experimentIdOf(api: Api, name: string): Promise<string> {
  const get = async (): Promise<string | undefined> => {
    try {
      const found = (await api('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`)) as {
        experiment?: { experiment_id?: string };
      };
      return found.experiment?.experiment_id;
    } catch (error) {
      if ((error as ModelTrackingUnavailableError).details?.['mlflowCode'] === 'RESOURCE_DOES_NOT_EXIST')
        return undefined;
      throw error;
    }
  };
  const existing = await get();
  if (existing !== undefined) return existing;
  try {
    const created = (await api('POST', 'experiments/create', { name })) as { experiment_id?: string };
    if (typeof created.experiment_id === 'string') return created.experiment_id;
  } catch (error) {
    // Another attempt created it first.
    if ((error as ModelTrackingUnavailableError).details?.['mlflowCode'] !== 'RESOURCE_ALREADY_EXISTS') throw error;
  }
  const raced = await get();
  if (raced === undefined) throw new ModelTrackingUnavailableError(`experiment "${name}" could not be created`);
  return raced;
}
