/**
 * The orchestrator's errors. Definition problems are found when a flow is loaded
 * (FLOW_DEFINITION names the flow and the problem); run-time problems name the run
 * or task instance. Failures of user task code are not errors of ours: they are
 * recorded on the task instance (TaskFailure), with the user's stack.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the orchestrator (errors.ts, control-errors.ts) raises, with its category (which decides the HTTP status). */
export const FlowErrorCode = {
  FLOW_DEFINITION: 'invalid',
  FLOW_LOAD: 'invalid',
  FLOW_NOT_FOUND: 'not_found',
  FLOW_RUN_NOT_FOUND: 'not_found',
  FLOW_TASK_NOT_FOUND: 'not_found',
  FLOW_PARAMS: 'invalid',
  FLOW_TASK_OUTPUT: 'invalid',
  FLOW_LEASE_LOST: 'conflict',
  FLOW_RUN_STATE: 'conflict',
  FLOW_CONTROL_CHANNEL: 'unavailable',
  FLOW_TRACE_INVALID: 'invalid',
  FLOW_COMMAND_FAILED: 'internal',
} as const satisfies ErrorCodeSet;
export type FlowErrorCode = keyof typeof FlowErrorCode;

/** Base of the orchestrator's errors: the code decides the category. */
export abstract class FlowError extends moduleErrorBase(FlowErrorCode) {}

/** A flow definition is unusable: a cycle, an unknown dependency, a duplicate id, a bad schedule. */
export class FlowDefinitionError extends FlowError {
  constructor(
    readonly flowId: string,
    problem: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super('FLOW_DEFINITION', `Flow "${flowId}": ${problem}`, { flowId, ...details }, options);
  }
}

/** A flows/ file could not be loaded (syntax error, import failure, no flows exported). */
export class FlowLoadError extends FlowError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('FLOW_LOAD', `${file}: ${problem}`, { file }, options);
  }
}

export class FlowNotFoundError extends FlowError {
  constructor(
    readonly flowId: string,
    known: readonly string[],
  ) {
    super(
      'FLOW_NOT_FOUND',
      `No flow "${flowId}"${known.length > 0 ? ` (flows: ${known.join(', ')})` : ' (no flows are registered: put them in flows/*.ts and start the scheduler, or run `strata flow list`)'}.`,
      { flowId, known },
    );
  }
}

export class RunNotFoundError extends FlowError {
  constructor(readonly run: string) {
    super('FLOW_RUN_NOT_FOUND', `No run ${run}: \`strata flow status <flow>\` lists a flow's runs.`, { run });
  }
}

export class TaskNotFoundError extends FlowError {
  constructor(
    readonly runId: number,
    readonly taskId: string,
    known: readonly string[],
  ) {
    super(
      'FLOW_TASK_NOT_FOUND',
      `Run ${runId} has no task "${taskId}" (tasks: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}).`,
      { runId, taskId },
    );
  }
}

/** Parameters given to a run do not match the flow's declared params. */
export class FlowParamsError extends FlowError {
  constructor(
    readonly flowId: string,
    problem: string,
    details: ErrorDetails = {},
  ) {
    super('FLOW_PARAMS', `Flow "${flowId}": ${problem}`, { flowId, ...details });
  }
}

/** A task's output could not be stored (not JSON-serializable, or too large and not a list of rows). */
export class TaskOutputError extends FlowError {
  constructor(
    readonly flowId: string,
    readonly taskId: string,
    problem: string,
  ) {
    super('FLOW_TASK_OUTPUT', `Task "${taskId}" of flow "${flowId}": ${problem}`, { flowId, taskId });
  }
}

/** An attempt's lease moved on (its worker was presumed lost and the task retried): what it reports is refused. */
export class LeaseLostError extends FlowError {
  constructor(
    readonly taskInstanceId: number,
    readonly attempt: number,
  ) {
    super(
      'FLOW_LEASE_LOST',
      `Attempt ${attempt} of task instance ${taskInstanceId} no longer holds its lease (the task was retried after its lease expired); its checkpoint was not saved.`,
      { taskInstanceId, attempt },
    );
  }
}

/** A run (or task) is not in a state the requested change applies to: cancel a finished run, clear a running one. */
export class RunStateError extends FlowError {
  constructor(
    readonly runId: number,
    readonly state: string,
    problem: string,
  ) {
    super('FLOW_RUN_STATE', `Run ${runId} is ${state}: ${problem}`, { runId, state });
  }
}

/** A workflow trace file (WfFormat) is unreadable or lacks what a replay needs. */
export class TraceInvalidError extends FlowError {
  constructor(
    readonly source: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('FLOW_TRACE_INVALID', `Trace ${source}: ${problem}`, { source }, options);
  }
}

/** A command task's program did not start or exited with a non-zero code (its output is in the task's log). */
export class CommandFailedError extends FlowError {
  constructor(
    readonly taskId: string,
    readonly program: string,
    problem: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(
      'FLOW_COMMAND_FAILED',
      `Command task "${taskId}" (${program}): ${problem}`,
      { taskId, program, ...details },
      options,
    );
  }
}
