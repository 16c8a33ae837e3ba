/** Every error code the API can answer with; the client translates them. */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_credentials'
  | 'rate_limited'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'csrf_rejected'
  | 'payload_too_large'
  | 'internal';

/** Per-field problem codes inside a validation_failed error. */
export type FieldErrorCode =
  | 'required'
  | 'invalid_type'
  | 'too_long'
  | 'too_small'
  | 'too_big'
  | 'invalid_option'
  | 'invalid_format'
  | 'unknown_field'
  | 'protected_field'
  | 'not_unique'
  | 'invalid_reference'
  | 'out_of_scope'
  | 'weak_password'
  | 'wrong_password'
  | 'cycle'
  | 'in_use';

export type FieldError = { field: string; code: FieldErrorCode; params?: Record<string, unknown> };

export type ErrorDetails = { fields?: FieldError[]; retryAfter?: number; [key: string]: unknown };

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: ErrorDetails } };

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export function statusOf(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 {
  switch (code) {
    case 'validation_failed':
      return 400;
    case 'invalid_credentials':
    case 'unauthenticated':
      return 401;
    case 'forbidden':
    case 'csrf_rejected':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    default:
      return assertUnreachable(code);
  }
}

const defaultMessages: Record<ErrorCode, string> = {
  validation_failed: 'Some fields are invalid.',
  invalid_credentials: 'Wrong login or password.',
  rate_limited: 'Too many attempts; try again later.',
  unauthenticated: 'Sign in first.',
  forbidden: 'You do not have permission to do this.',
  not_found: 'Not found.',
  conflict: 'This conflicts with the current state.',
  csrf_rejected: 'Cross-site request rejected.',
  payload_too_large: 'The request body is too large.',
  internal: 'Something went wrong on our side.',
};

/** The one error type of the API: thrown anywhere, turned into `{error:{code,message,details}}`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;
  constructor(code: ErrorCode, message?: string, details?: ErrorDetails) {
    super(message ?? defaultMessages[code]);
    this.code = code;
    this.details = details;
  }
  get status() {
    return statusOf(this.code);
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** A 400 naming the offending fields. */
export function invalid(fields: FieldError[], message?: string): AppError {
  const named = fields.map((f) => `${f.field}: ${f.code}`).join(', ');
  return new AppError('validation_failed', message ?? `Invalid fields: ${named}`, { fields });
}

export const notFound = () => new AppError('not_found');
