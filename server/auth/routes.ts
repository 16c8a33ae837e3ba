import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../context';
import { AppError, invalid } from '../errors';
import { errorResponses, json, jsonBody, LocaleSchema, OkSchema, router } from '../openapi';
import { User } from '../../db/entities';
import { writeLoginLog } from '../logs/service';
import { hashPassword, verifyPassword } from './passwords';
import { SESSION_COOKIE, createSession, deleteSession, revokeUserSessions } from './sessions';
import { accountRetryAfter, ipRetryAfter } from './throttle';
import { principalOf, requireAuth } from '../middleware/session';
import { PasswordSchema, UserSchema } from '../users/schema';
import { presentUser } from '../users/service';
import { findObject } from '../records/registry';
import { findRecord } from '../records/query';
import { acceptLanguage } from './locale';

const LoginBody = z.strictObject({ login: z.string().trim().toLowerCase().min(1).max(64), password: z.string().min(1).max(1024) }).openapi('Login');

const PermissionsSchema = z.record(
  z.string(),
  z.object({
    create: z.string(),
    read: z.string(),
    edit: z.string(),
    delete: z.string(),
    export: z.string(),
    deny: z.object({ read: z.array(z.string()), edit: z.string().array() }),
  }),
);

const MeSchema = z
  .object({
    user: UserSchema,
    employee: z.record(z.string(), z.unknown()).nullable(),
    groups: z.array(z.object({ id: z.string(), name: z.string() })),
    permissions: PermissionsSchema,
    locale: LocaleSchema.nullable(),
    isAdmin: z.boolean(),
  })
  .openapi('Me');

const tooMany = { content: { 'application/json': { schema: z.object({ error: z.object({ code: z.string(), message: z.string() }) }) } }, description: 'Throttled; see Retry-After' };

const loginRoute = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  request: jsonBody(LoginBody),
  responses: { 200: json(z.object({ user: UserSchema }), 'Signed in; sets the session cookie'), ...errorResponses, 429: tooMany },
});
const logoutRoute = createRoute({ method: 'post', path: '/auth/logout', tags: ['auth'], responses: { 200: json(OkSchema), ...errorResponses } });
const meRoute = createRoute({ method: 'get', path: '/me', tags: ['auth'], middleware: requireAuth, responses: { 200: json(MeSchema), ...errorResponses } });
const patchMeRoute = createRoute({
  method: 'patch',
  path: '/me',
  tags: ['auth'],
  middleware: requireAuth,
  request: jsonBody(z.strictObject({ locale: LocaleSchema.nullable() })),
  responses: { 200: json(MeSchema), ...errorResponses },
});
const passwordRoute = createRoute({
  method: 'post',
  path: '/me/password',
  tags: ['auth'],
  middleware: requireAuth,
  request: jsonBody(z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: PasswordSchema })),
  responses: { 200: json(OkSchema), ...errorResponses },
});

function isSecure(c: { req: { url: string; header(n: string): string | undefined }; var: AppEnv['Variables'] }) {
  const { env } = c.var.services;
  if (env.PUBLIC_URL) return env.PUBLIC_URL.startsWith('https:');
  if (env.TRUST_PROXY && c.req.header('x-forwarded-proto') === 'https') return true;
  return c.req.url.startsWith('https:');
}

async function buildMe(c: { var: AppEnv['Variables'] }) {
  const principal = principalOf(c);
  const em = c.var.em;
  const user = await em.findOneOrFail(User, { id: principal.userId }, { populate: ['employee', 'groups'], refresh: true });
  const employeeDef = findObject('employee')!;
  return {
    user: presentUser(user),
    employee: principal.employeeId ? await findRecord(em, employeeDef, null, principal.employeeId) : null,
    groups: user.groups.getItems().map((g) => ({ id: g.id, name: g.name })),
    permissions: principal.permissions,
    locale: (user.locale as 'zh-CN' | 'en' | null) ?? null,
    isAdmin: principal.isAdmin,
  };
}

export const authRoutes = router()
  .openapi(loginRoute, async (c) => {
    const { login, password } = c.req.valid('json');
    const em = c.var.em;
    const ip = c.var.clientIp;
    const userAgent = c.req.header('user-agent') ?? null;
    const attempt = { login, ip, userAgent };
    const throttled = async (reason: 'ip_throttled' | 'locked', seconds: number) => {
      await writeLoginLog(em, { ...attempt, userId: null, success: false, reason });
      c.header('Retry-After', String(seconds));
      throw new AppError('rate_limited', 'Too many failed sign-ins; try again later.', { retryAfter: seconds });
    };
    const ipWait = await ipRetryAfter(em, ip);
    if (ipWait) await throttled('ip_throttled', ipWait);
    // A locked account stays locked for the window, even when the right password comes.
    const accountWait = await accountRetryAfter(em, login);
    if (accountWait) await throttled('locked', accountWait);

    const user = await em.findOne(User, { login });
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    const reason = !user ? 'unknown_user' : !ok ? 'wrong_password' : !user.active ? 'disabled' : 'ok';
    await writeLoginLog(em, { ...attempt, userId: user?.id ?? null, success: reason === 'ok', reason });
    if (!user || reason !== 'ok') throw new AppError('invalid_credentials');

    const session = await createSession(em, c.var.services.env, user.id, { ip, userAgent });
    user.lastLoginAt = new Date();
    // Server texts made while the user is away (reminders, greetings) follow this browser until a language is chosen.
    user.browserLocale = acceptLanguage(c.req.header('accept-language')) ?? user.browserLocale ?? null;
    await em.flush();
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isSecure(c),
      path: '/',
      maxAge: c.var.services.env.SESSION_MAX_HOURS * 3600,
    });
    await em.populate(user, ['employee', 'groups']);
    return c.json({ user: presentUser(user) }, 200);
  })
  .openapi(logoutRoute, async (c) => {
    if (c.var.sessionId) {
      await deleteSession(c.var.em, c.var.sessionId);
      // Live connections opened with this session close too (on every node).
      c.var.services.bus.emit('session.ended', { sessionId: c.var.sessionId });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(meRoute, async (c) => c.json(await buildMe(c), 200))
  .openapi(patchMeRoute, async (c) => {
    const { locale } = c.req.valid('json');
    const user = await c.var.em.findOneOrFail(User, { id: principalOf(c).userId });
    user.locale = locale;
    await c.var.em.flush();
    // Open sockets and co-editing connections write in the new language from now on.
    c.var.services.bus.emit('user.changed', { userId: user.id, rights: false });
    return c.json(await buildMe(c), 200);
  })
  .openapi(passwordRoute, async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    const principal = principalOf(c);
    const em = c.var.em;
    const user = await em.findOneOrFail(User, { id: principal.userId });
    if (!(await verifyPassword(user.passwordHash, currentPassword))) throw invalid([{ field: 'currentPassword', code: 'wrong_password' }]);
    if (newPassword.toLowerCase() === user.login || newPassword === currentPassword) throw invalid([{ field: 'newPassword', code: 'weak_password' }]);
    user.passwordHash = await hashPassword(newPassword);
    user.passwordChangedAt = new Date();
    await em.transactional(async (tem) => {
      await tem.flush();
      // Everyone else holding this account's sessions is signed out; this tab stays.
      await revokeUserSessions(tem, user.id, c.var.sessionId ?? undefined);
    });
    c.var.services.bus.emit('user.sessionsRevoked', { userId: user.id, exceptSessionId: c.var.sessionId ?? undefined });
    return c.json({ ok: true as const }, 200);
  });
