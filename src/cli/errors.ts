/** Failures the CLI itself reports (the work it followed failed), as typed errors so `runCli` prints them and exits 1. */
import { StrataError } from '../core/index.js';

/** A run followed with --wait ended failed; its failed tasks were printed above. */
export class FlowRunFailedError extends StrataError {
  constructor(
    readonly runIds: readonly number[],
    summary: string,
  ) {
    super('FLOW_RUN_FAILED', summary, { runIds });
  }
}

/** Some flows/ files could not be loaded; each problem was printed above. */
export class FlowProblemsError extends StrataError {
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
