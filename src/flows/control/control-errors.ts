/** Errors of the control channel between CLI commands and the process that owns an embedded warehouse. */
import { ErrorCategory, StrataError, isStrataError } from '../../core/index.js';
import { FlowError } from '../errors.js';

/**
 * An operation failed in the owner process: its error, with its code and category, as
 * the owner reported it (its code belongs to whichever module raised it there).
 */
export class RemoteFlowError extends StrataError {
  constructor(
    code: string,
    category: ErrorCategory,
    message: string,
    readonly socketPath: string,
  ) {
    super(code, category, message, { socketPath, remote: true });
  }
}

/** The control socket could not be used (connection lost, bad reply, or another owner already serves it). */
export class ControlChannelError extends FlowError {
  constructor(
    readonly socketPath: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('FLOW_CONTROL_CHANNEL', `Control socket ${socketPath}: ${problem}`, { socketPath }, options);
  }
}

/** The wire form of an error: its code, category and message without the `[CODE] ` prefix. */
export interface ErrorReply {
  readonly code: string;
  /** Absent from owners older than categories. */
  readonly category?: ErrorCategory;
  readonly message: string;
}

export function errorReply(error: unknown): ErrorReply {
  if (isStrataError(error))
    return { code: error.code, category: error.category, message: error.message.replace(`[${error.code}] `, '') };
  return { code: 'INTERNAL', category: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The error a reply stands for in this process. */
export function remoteError(reply: Partial<ErrorReply> | undefined, socketPath: string): RemoteFlowError {
  const known = Object.values(ErrorCategory) as readonly string[];
  const category = reply?.category !== undefined && known.includes(reply.category) ? reply.category : 'internal';
  return new RemoteFlowError(reply?.code ?? 'INTERNAL', category, reply?.message ?? 'unknown error', socketPath);
}
