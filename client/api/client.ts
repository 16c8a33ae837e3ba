import { hc } from 'hono/client';
import type { AppType } from '../../server/app';
import { locale } from '../i18n';

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
  | 'internal'
  | 'network';

export type FieldError = { field: string; code: string; params?: Record<string, unknown> };

/** A non-2xx answer (or a network failure) parsed back from `{error:{code,message,details}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldError[];
  readonly details: Record<string, unknown>;
  readonly retryAfter: number | null;
  constructor(status: number, code: ErrorCode, message: string, fields: FieldError[] = [], details: Record<string, unknown> = {}, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'validation_failed',
  'invalid_credentials',
  'rate_limited',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'csrf_rejected',
  'payload_too_large',
  'internal',
  'network',
]);

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'validation_failed';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  return 'internal';
}

/** The part of a fetch Response (or hono ClientResponse) the helpers read. */
export type ResponseLike = {
  ok: boolean;
  status: number;
  statusText: string;
  headers: Headers;
  json(): Promise<unknown>;
};

/** Turns a non-2xx Response into an ApiError; tolerant of non-JSON bodies. */
export async function toApiError(res: ResponseLike): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = (body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : null) as {
    code?: unknown;
    message?: unknown;
    details?: unknown;
  } | null;
  const rawCode = typeof err?.code === 'string' ? err.code : '';
  const code: ErrorCode = KNOWN_CODES.has(rawCode) ? (rawCode as ErrorCode) : codeForStatus(res.status);
  const message = typeof err?.message === 'string' ? err.message : res.statusText || `HTTP ${res.status}`;
  const details = (err?.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
  const fields: FieldError[] = Array.isArray(details.fields)
    ? (details.fields as unknown[])
        .filter((f): f is FieldError => !!f && typeof f === 'object' && typeof (f as FieldError).field === 'string')
        .map((f) => ({ field: f.field, code: String(f.code ?? 'invalid_format'), params: f.params }))
    : [];
  let retryAfter: number | null = null;
  const header = res.headers.get('Retry-After');
  if (header && /^\d+$/.test(header.trim())) retryAfter = Number(header.trim());
  else if (typeof details.retryAfter === 'number') retryAfter = details.retryAfter;
  return new ApiError(res.status, code, message, fields, details, retryAfter);
}

/** Reads a successful JSON body as T, or throws ApiError. */
export async function unwrap<T>(resOrPromise: ResponseLike | Promise<ResponseLike>): Promise<T> {
  let res: ResponseLike;
  try {
    res = await resOrPromise;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

let unauthenticatedHandler: (() => void) | null = null;
/** Registered by the app: called when any request (other than the login itself) answers 401. */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler;
}

const fetchWith401: typeof fetch = async (input, init) => {
  // The interface's language (the browser's until the user picks one): the server writes labels
  // and texts in it while the user has not saved a choice, and remembers it for later pushes.
  const headers = new Headers(init?.headers);
  if (!headers.has('accept-language')) headers.set('accept-language', locale());
  const res = await fetch(input, { credentials: 'same-origin', ...init, headers });
  if (res.status === 401) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/api\/auth\/login$/.test(new URL(url, location.origin).pathname)) unauthenticatedHandler?.();
  }
  return res;
};

/** The typed Hono RPC client; the JSON content type satisfies the server's CSRF rule. */
export const client = hc<AppType>('/api', {
  headers: { 'Content-Type': 'application/json' },
  fetch: fetchWith401,
});
