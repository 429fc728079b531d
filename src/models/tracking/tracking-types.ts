/** What tracking stores and returns, in MLflow's terms (times in epoch milliseconds). */

export const RunStatus = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RunStatus)[number];
export type LifecycleStage = 'active' | 'deleted';
/** Which runs or experiments a search sees. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly KeyValue[];
}

export interface Metric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

export interface DatasetInput {
  readonly tags: readonly KeyValue[];
  readonly dataset: {
    readonly name: string;
    readonly digest: string;
    readonly sourceType: string;
    readonly source: string;
    readonly schema?: string;
    readonly profile?: string;
  };
}

export interface Run {
  readonly info: RunInfo;
  readonly data: {
    readonly metrics: readonly Metric[];
    readonly params: readonly KeyValue[];
    readonly tags: readonly KeyValue[];
  };
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Absent on the last page. */
  readonly nextPageToken?: string;
}

export interface SearchOptions {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly viewType?: ViewType;
}
