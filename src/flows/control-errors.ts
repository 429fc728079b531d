/** Errors of the control channel between CLI commands and the process that owns an embedded warehouse. */
import { StrataError } from '../core/index.js';

/** An operation failed in the owner process: its error, with its code, as the owner reported it. */
export class RemoteFlowError extends StrataError {
  constructor(
    code: string,
    message: string,
    readonly socketPath: string,
  ) {
    super(code, message, { socketPath, remote: true });
  }
}

/** The control socket could not be used (connection lost, bad reply, or another owner already serves it). */
export class ControlChannelError extends StrataError {
  constructor(
    readonly socketPath: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('FLOW_CONTROL_CHANNEL', `Control socket ${socketPath}: ${problem}`, { socketPath }, options);
  }
}

/** The wire form of an error: its code and its message without the `[CODE] ` prefix. */
export function errorReply(error: unknown): { code: string; message: string } {
  if (error instanceof StrataError) return { code: error.code, message: error.message.replace(`[${error.code}] `, '') };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
