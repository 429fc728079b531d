/**
 * The access error, raised wherever a role or grant refuses something (the query
 * service, the HTTP routes). Its code keeps the `API_` name it had when the check lived
 * in the HTTP API: clients see and compare it.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../../core/index.js';

export const AccessErrorCode = {
  API_FORBIDDEN: 'forbidden',
} as const satisfies ErrorCodeSet;
export type AccessErrorCode = keyof typeof AccessErrorCode;

/** Base of the access errors: the code decides the category. */
export abstract class AccessError extends moduleErrorBase(AccessErrorCode) {}

/** The principal is known but its role or grants do not allow this (403). */
export class ForbiddenError extends AccessError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_FORBIDDEN', message, details);
  }
}
