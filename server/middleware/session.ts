import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../context';
import { AppError } from '../errors';
import { SESSION_COOKIE, resolveSession } from '../auth/sessions';
import { loadPrincipal, type Principal } from '../auth/principal';
import { acceptLanguage } from '../auth/locale';

/** Attaches the signed-in principal (or null) from the session cookie. */
export const sessionLoader = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const session = await resolveSession(c.var.em, c.var.services.env, token);
    if (session) {
      const principal = await loadPrincipal(c.var.em, session.userId, acceptLanguage(c.req.header('accept-language')));
      if (principal) {
        c.set('principal', principal);
        c.set('sessionId', session.sessionId);
      }
    }
  }
  return next();
});

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.principal) throw new AppError('unauthenticated');
  return next();
});

/** The principal of a route behind requireAuth. */
export function principalOf(c: { var: { principal: Principal | null } }): Principal {
  if (!c.var.principal) throw new AppError('unauthenticated');
  return c.var.principal;
}
