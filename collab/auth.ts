import type { IncomingMessage } from 'node:http';
import type { Services } from '../server/context';
import { SESSION_COOKIE, resolveSession } from '../server/auth/sessions';
import { loadPrincipal, type Principal } from '../server/auth/principal';
import { expectedOrigin } from '../server/middleware/security';

export type UpgradeAuth =
  | { ok: true; principal: Principal; sessionId: string }
  | { ok: false; reason: 'origin' | 'unauthenticated' };

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * Authenticates a WebSocket upgrade or Socket.IO handshake like any API request: the session
 * cookie, and an `Origin` equal to our own (a page on another site cannot ride the cookie —
 * browsers send cookies on cross-site WebSocket upgrades).
 */
export async function authenticateUpgrade(req: IncomingMessage, services: Services): Promise<UpgradeAuth> {
  const { env } = services;
  const origin = req.headers.origin;
  const forwardedProto = env.TRUST_PROXY ? String(req.headers['x-forwarded-proto'] ?? '') || undefined : undefined;
  const expected = expectedOrigin(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { host: req.headers.host, proto: forwardedProto }, env.PUBLIC_URL);
  if (!origin || origin !== expected) return { ok: false, reason: 'origin' };
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!token) return { ok: false, reason: 'unauthenticated' };
  const em = services.db.orm.em.fork();
  const session = await resolveSession(em, env, token);
  if (!session) return { ok: false, reason: 'unauthenticated' };
  const principal = await loadPrincipal(em, session.userId);
  if (!principal) return { ok: false, reason: 'unauthenticated' };
  return { ok: true, principal, sessionId: session.sessionId };
}
