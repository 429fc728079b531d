/**
 * Progress reporting for long operations. Library code reports through this small
 * interface; the CLI renders it on stderr, tests and libraries pass nothing.
 */
export interface ProgressReporter {
  /** `done` of `total` units of `label` are finished (total may be unknown). */
  update(label: string, done: number, total?: number): void;
}

export const silentProgress: ProgressReporter = { update() {} };
