/** Failures the CLI itself reports (the work it followed failed), as typed errors so `runCli` prints them and exits 1. */
import { moduleErrorBase, type ErrorCodeSet } from '../core/index.js';

/** Every code the CLI raises, with its category (which decides the HTTP status). */
export const CliErrorCode = {
  FLOW_RUN_FAILED: 'internal',
  FLOW_PROBLEMS: 'invalid',
  FLOW_CHECK_FAILED: 'invalid',
  FLOW_RUN_INTERRUPTED: 'conflict',
} as const satisfies ErrorCodeSet;
export type CliErrorCode = keyof typeof CliErrorCode;

/** Base of the CLI's errors: the code decides the category. */
export abstract class CliError extends moduleErrorBase(CliErrorCode) {}

/** A run followed with --wait ended failed; its failed tasks were printed above. */
export class FlowRunFailedError extends CliError {
  constructor(
    readonly runIds: readonly number[],
    summary: string,
  ) {
    super('FLOW_RUN_FAILED', summary, { runIds });
  }
}

/** Some flows/ files could not be loaded; each problem was printed above. */
export class FlowProblemsError extends CliError {
  constructor(
    readonly count: number,
    directory: string,
  ) {
    super(
      'FLOW_PROBLEMS',
      `${count} problem${count === 1 ? '' : 's'} loading flows from ${directory} (listed above); the other flows are registered.`,
      { count, directory },
    );
  }
}

/** `strata flow check` found problems; each was printed above as file:line:column. */
export class FlowCheckFailedError extends CliError {
  constructor(
    readonly count: number,
    checked: string,
  ) {
    super(
      'FLOW_CHECK_FAILED',
      `${count} problem${count === 1 ? '' : 's'} in ${checked} (listed above); fix them and run \`strata flow check\` again.`,
      { count },
    );
  }
}

/** Ctrl-C stopped the command and it cancelled the run it owned (said so already): exit 130, as a shell does for SIGINT. */
export class FlowRunInterruptedError extends CliError {
  constructor(readonly runId: number) {
    super('FLOW_RUN_INTERRUPTED', `run ${runId} was cancelled (Ctrl-C)`, { runId });
  }
}
