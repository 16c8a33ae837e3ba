import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../context';
import { AppError } from '../errors';

export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    fontSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
  xFrameOptions: 'DENY',
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'strict-origin-when-cross-origin',
  crossOriginEmbedderPolicy: false,
});

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin this server is reached at: PUBLIC_URL when set, else what the request says. */
export function expectedOrigin(url: string, headers: { host?: string; proto?: string }, publicUrl?: string): string {
  if (publicUrl) return new URL(publicUrl).origin;
  const u = new URL(url);
  return `${headers.proto ?? u.protocol.replace(':', '')}://${headers.host ?? u.host}`;
}

/**
 * CSRF defence for cookie sessions: state-changing requests must be JSON (or multipart for
 * uploads) — which a cross-site form cannot send without a CORS preflight — and must come
 * from our own origin by `Origin` or `Sec-Fetch-Site`.
 */
export const csrfGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (!unsafeMethods.has(c.req.method)) return next();
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && type !== 'multipart/form-data') {
    throw new AppError('csrf_rejected', 'State-changing requests must be sent as application/json.');
  }
  const { env } = c.var.services;
  const origin = c.req.header('origin');
  const fetchSite = c.req.header('sec-fetch-site');
  const expected = expectedOrigin(
    c.req.url,
    { host: c.req.header('host'), proto: env.TRUST_PROXY ? c.req.header('x-forwarded-proto') : undefined },
    env.PUBLIC_URL,
  );
  const sameOrigin = origin ? origin === expected : fetchSite === 'same-origin';
  if (!sameOrigin) throw new AppError('csrf_rejected', 'Cross-site request rejected.');
  return next();
});
