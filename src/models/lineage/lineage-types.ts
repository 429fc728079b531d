/** What a run trained on, and the answers lineage queries give (times in epoch milliseconds). */

/** One Delta table the training data was read from, at the version read. */
export interface LineageSource {
  /** The catalog name (or, for a source given by location only, the location). */
  readonly table: string;
  readonly location: string;
  readonly version: number;
  /** The feature view this table fed, when it was a view's source. */
  readonly view?: string;
}

export interface LineageDefinition {
  readonly kind: string;
  readonly name: string;
  readonly version: number;
}

export interface RunLineage {
  /** The training set's Delta table and the version the run read. */
  readonly trainingSet?: { readonly table: string; readonly version: number };
  readonly featureService?: string;
  readonly definitions: readonly LineageDefinition[];
  readonly sources: readonly LineageSource[];
  readonly flowRun?: { readonly runId: string; readonly taskId: string };
  readonly codeVersion?: string;
}

export interface RecordedLineage extends RunLineage {
  readonly runId: string;
  readonly recordedTime: number;
}

/** A model version's lineage: its run's (null when the version has no run or the run recorded none). */
export interface VersionLineage {
  readonly name: string;
  readonly version: number;
  readonly runId: string | null;
  readonly lineage: RecordedLineage | null;
}

/** A model version that trained on a table, and the table's Delta version it read. */
export interface TrainedOn {
  readonly name: string;
  readonly version: number;
  readonly runId: string;
  readonly table: string;
  readonly deltaVersion: number;
  /** `source`: the table fed the training set; `trainingSet`: it is the training set. */
  readonly via: 'source' | 'trainingSet';
}
