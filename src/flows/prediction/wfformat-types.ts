/**
 * The parts of WfCommons' WfFormat (1.5 and 1.4) the trace loader reads. Only what a
 * duration or a schedule depends on is typed; everything else in a file is ignored.
 */

export interface WfMachine {
  readonly nodeName: string;
  readonly cpu?: { readonly coreCount?: number; readonly speedInMHz?: number };
  readonly memoryInBytes?: number;
}

/** WfFormat 1.5: the DAG (specification) and what ran (execution) are separate lists. */
export interface WfSpecTask15 {
  readonly name: string;
  readonly id: string;
  readonly parents?: readonly string[];
  readonly children?: readonly string[];
  readonly inputFiles?: readonly string[];
  readonly outputFiles?: readonly string[];
}

export interface WfExecTask15 {
  readonly id: string;
  readonly runtimeInSeconds: number;
  readonly executedAt?: string;
  readonly command?: { readonly program?: string; readonly arguments?: readonly string[] };
  readonly coreCount?: number;
  readonly machines?: readonly string[];
}

export interface WfDocument15 {
  readonly schemaVersion: string;
  readonly name?: string;
  readonly workflow: {
    readonly specification: {
      readonly tasks: readonly WfSpecTask15[];
      readonly files?: readonly { readonly id: string; readonly sizeInBytes?: number }[];
    };
    readonly execution: {
      readonly makespanInSeconds?: number;
      readonly executedAt?: string;
      readonly tasks: readonly WfExecTask15[];
      readonly machines?: readonly WfMachine[];
    };
  };
}

/** WfFormat 1.4: one task list carrying its files (with sizes) and its runtime. */
export interface WfTask14 {
  readonly name: string;
  readonly id?: string;
  readonly category?: string;
  readonly parents?: readonly string[];
  readonly children?: readonly string[];
  readonly files?: readonly {
    readonly link: 'input' | 'output';
    readonly name: string;
    readonly sizeInBytes?: number;
  }[];
  readonly runtimeInSeconds: number;
  readonly command?: { readonly program?: string };
  readonly cores?: number;
  readonly machine?: string;
}

export interface WfDocument14 {
  readonly schemaVersion: string;
  readonly name?: string;
  readonly workflow: {
    readonly makespanInSeconds?: number;
    readonly executedAt?: string;
    readonly tasks: readonly WfTask14[];
    readonly machines?: readonly WfMachine[];
  };
}
