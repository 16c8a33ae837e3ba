import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ORIGIN, createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';
import { execute, query } from '../../db/sql';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
});
afterAll(async () => t?.close());

// Every test that fails sign-ins uses its own client IP, so the per-IP throttle of one test
// never leaks into another.
let ipCounter = 0;
const freshIp = () => `10.9.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

const db = () => t.services.db.orm.em.fork();
const sessionsOf = async (userId: string) => Number((await query<{ n: string }>(db(), `select count(*) as n from session where user_id = ?`, [userId]))[0].n);

function loginRequest(login: string, password: string, ip: string, headers: Record<string, string> = {}) {
  return t.request('POST', '/auth/login', { body: { login, password }, headers: { 'x-test-client-ip': ip, ...headers } });
}

/** A raw request that carries exactly these headers (the helper always adds a same-origin Origin). */
async function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await t.app.request(`${ORIGIN}/api${path}`, { method, headers: { host: 'localhost', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function loginLogs(login: string) {
  const res = await admin.get(`/logs/logins?login=${encodeURIComponent(login)}&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items as { login: string; reason: string; success: boolean; ip: string }[]).filter((r) => r.login === login);
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie (not Secure over plain http)', async () => {
    const user = await f.user();
    const res = await loginRequest(user.login, user.password, freshIp());
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, login: user.login, active: true });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tandem_session=[A-Za-z0-9_-]{43};/);
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs).not.toContain('secure');
    // The cookie really signs in.
    const me = await t.client(cookie.split(';')[0]).get('/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await createTestApp({ PUBLIC_URL: 'https://crm.example.com' });
    try {
      const res = await secure.request('POST', '/auth/login', { body: { login: 'admin', password: ADMIN_PASSWORD }, headers: { origin: 'https://crm.example.com' } });
      expect(res.status).toBe(200);
      const attrs = (res.headers.get('set-cookie') ?? '').split(';').map((s) => s.trim().toLowerCase());
      expect(attrs).toContain('secure');
      expect(attrs).toContain('httponly');
      expect(attrs).toContain('samesite=lax');
      // Behind PUBLIC_URL only that origin is same-origin, not the Host the request names.
      const other = await secure.request('POST', '/auth/login', { body: { login: 'admin', password: ADMIN_PASSWORD }, headers: { origin: ORIGIN } });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('csrf_rejected');
    } finally {
      await secure.close();
    }
  });

  it('answers unknown user, wrong password and disabled user with the same 401 body', async () => {
    const user = await f.user();
    const disabled = await f.user({ active: false });
    const unknown = await loginRequest(`nobody-${user.login}`, user.password, freshIp());
    const wrong = await loginRequest(user.login, `${user.password}-nope`, freshIp());
    const off = await loginRequest(disabled.login, disabled.password, freshIp());
    for (const res of [unknown, wrong, off]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(unknown.body.error.code).toBe('invalid_credentials');
    expect(wrong.body).toEqual(unknown.body);
    expect(off.body).toEqual(unknown.body);
    // The log, unlike the answer, tells them apart.
    expect((await loginLogs(user.login))[0]).toMatchObject({ success: false, reason: 'wrong_password' });
    expect((await loginLogs(disabled.login))[0]).toMatchObject({ success: false, reason: 'disabled' });
    expect((await loginLogs(`nobody-${user.login}`))[0]).toMatchObject({ success: false, reason: 'unknown_user' });
  });

  it('rejects a malformed login body with 400 naming the field', async () => {
    const res = await t.request('POST', '/auth/login', { body: { login: 'admin' }, headers: { 'x-test-client-ip': freshIp() } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'password', code: 'required' })]);
  });

  it('has created the first-start admin, who signs in with ADMIN_PASSWORD', async () => {
    const res = await loginRequest('admin', ADMIN_PASSWORD, freshIp());
    expect(res.status).toBe(200);
    expect(res.body.user.login).toBe('admin');
    const users = await admin.get('/users?q=admin');
    expect(users.body.items.filter((u: { login: string }) => u.login === 'admin')).toHaveLength(1);
    const me = await admin.get('/me');
    expect(me.body.isAdmin).toBe(true);
    expect(me.body.groups.map((g: { name: string }) => g.name)).toContain('Administrators');
  });
});

describe('session', () => {
  it('GET /me needs a session', async () => {
    const res = await t.request('GET', '/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    const bogus = await t.request('GET', '/me', { cookie: 'tandem_session=not-a-real-token' });
    expect(bogus.status).toBe(401);
  });

  it('GET /me returns the user, groups, permissions and isAdmin', async () => {
    const group = await f.group({ employee: { read: 'department', edit: 'own', deny: { read: ['mobile'] } } });
    const employee = await f.employee();
    const user = await f.user({ employeeId: employee.id, groupIds: [group.id] });
    const me = await (await t.login(user.login, user.password)).get('/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: user.id, login: user.login, employeeId: employee.id, groupIds: [group.id] });
    expect(me.body.employee).toMatchObject({ id: employee.id, name: employee.name });
    expect(me.body.groups).toEqual([{ id: group.id, name: group.name }]);
    expect(me.body.isAdmin).toBe(false);
    expect(me.body.permissions.employee).toEqual({ create: 'none', read: 'department', edit: 'own', delete: 'none', export: 'none', deny: { read: ['mobile'], edit: [] } });
    expect(me.body.permissions.user.read).toBe('none');

    const adminMe = await admin.get('/me');
    expect(adminMe.body.isAdmin).toBe(true);
    expect(adminMe.body.permissions.user).toMatchObject({ create: 'all', read: 'all', edit: 'all', delete: 'all' });
  });

  it('PATCH /me changes the locale and rejects unknown locales', async () => {
    const user = await f.user();
    const c = await t.login(user.login, user.password);
    const res = await c.patch('/me', { locale: 'zh-CN' });
    expect(res.status).toBe(200);
    expect(res.body.locale).toBe('zh-CN');
    expect((await c.get('/me')).body.locale).toBe('zh-CN');
    const bad = await c.patch('/me', { locale: 'fr' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([expect.objectContaining({ field: 'locale', code: 'invalid_option' })]);
    const extra = await c.patch('/me', { locale: 'en', login: 'root' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.fields).toEqual([expect.objectContaining({ field: 'login', code: 'unknown_field' })]);
    expect((await c.get('/me')).body.locale).toBe('zh-CN');
  });

  it('logout ends the session', async () => {
    const user = await f.user();
    const c = await t.login(user.login, user.password);
    expect((await c.get('/me')).status).toBe(200);
    const out = await c.post('/auth/logout');
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ok: true });
    expect(out.headers.get('set-cookie')).toMatch(/^tandem_session=;/);
    const after = await c.get('/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('ends a session idle for longer than SESSION_IDLE_MINUTES', async () => {
    const user = await f.user();
    const c = await t.login(user.login, user.password);
    const idle = t.env.SESSION_IDLE_MINUTES;
    // Just inside the idle window the session lives (and is touched).
    await execute(db(), `update session set last_seen_at = ? where user_id = ?`, [new Date(Date.now() - (idle - 2) * 60_000), user.id]);
    expect((await c.get('/me')).status).toBe(200);
    const [touched] = await query<{ last_seen_at: Date }>(db(), `select last_seen_at from session where user_id = ?`, [user.id]);
    expect(Date.now() - new Date(touched.last_seen_at).getTime()).toBeLessThan(60_000);
    // Beyond it the session is gone.
    await execute(db(), `update session set last_seen_at = ? where user_id = ?`, [new Date(Date.now() - (idle + 1) * 60_000), user.id]);
    const res = await c.get('/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('ends a session past its absolute expiry even when active', async () => {
    const user = await f.user();
    const c = await t.login(user.login, user.password);
    await execute(db(), `update session set expires_at = ?, last_seen_at = ? where user_id = ?`, [new Date(Date.now() - 1000), new Date(), user.id]);
    const res = await c.get('/me');
    expect(res.status).toBe(401);
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('disabling a user ends all its sessions at once', async () => {
    const user = await f.user();
    const a = await t.login(user.login, user.password, freshIp());
    const b = await t.login(user.login, user.password, freshIp());
    expect(await sessionsOf(user.id)).toBe(2);
    const res = await admin.patch(`/users/${user.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await a.get('/me')).status).toBe(401);
    expect((await b.get('/me')).status).toBe(401);
    const again = await loginRequest(user.login, user.password, freshIp());
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_credentials');
  });
});

describe('password change', () => {
  it('checks the current password, the new password, and signs out the other sessions only', async () => {
    const user = await f.user();
    const current = await t.login(user.login, user.password, freshIp());
    const other = await t.login(user.login, user.password, freshIp());

    const wrong = await current.post('/me/password', { currentPassword: 'definitely-wrong', newPassword: 'a-new-password-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('validation_failed');
    expect(wrong.body.error.details.fields).toEqual([{ field: 'currentPassword', code: 'wrong_password' }]);

    const short = await current.post('/me/password', { currentPassword: user.password, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields).toEqual([expect.objectContaining({ field: 'newPassword', code: 'too_small' })]);

    const same = await current.post('/me/password', { currentPassword: user.password, newPassword: user.password });
    expect(same.status).toBe(400);
    expect(same.body.error.details.fields).toEqual([{ field: 'newPassword', code: 'weak_password' }]);

    // None of the rejected attempts changed anything.
    expect((await other.get('/me')).status).toBe(200);
    expect(await sessionsOf(user.id)).toBe(2);

    const newPassword = `${user.password}-new`;
    const ok = await current.post('/me/password', { currentPassword: user.password, newPassword });
    expect(ok.status).toBe(200);
    expect((await current.get('/me')).status).toBe(200);
    expect((await other.get('/me')).status).toBe(401);
    expect(await sessionsOf(user.id)).toBe(1);

    expect((await loginRequest(user.login, user.password, freshIp())).status).toBe(401);
    expect((await loginRequest(user.login, newPassword, freshIp())).status).toBe(200);
  });
});

describe('throttling', () => {
  it('locks an account after 5 failures, even for the right password, with Retry-After', async () => {
    const user = await f.user();
    const bystander = await f.user();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const res = await loginRequest(user.login, `wrong-${i}-password`, ip);
      expect(res.status).toBe(401);
    }
    const locked = await loginRequest(user.login, user.password, freshIp());
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(locked.headers.get('set-cookie')).toBeNull();
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.body.error.details.retryAfter).toBe(retryAfter);
    expect((await loginLogs(user.login))[0]).toMatchObject({ success: false, reason: 'locked' });
    // The lock is per account: another account on the same IP still signs in.
    expect((await loginRequest(bystander.login, bystander.password, ip)).status).toBe(200);
    // Login names are case-insensitive, so the lock is too.
    expect((await loginRequest(user.login.toUpperCase(), user.password, freshIp())).status).toBe(429);
  });

  it('throttles an IP after 20 failures across different logins; other IPs still work', async () => {
    const user = await f.user();
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const res = await loginRequest(`ghost-${i}-${user.login}`, 'whatever-password', ip);
      expect(res.status).toBe(401);
    }
    const blocked = await loginRequest(user.login, user.password, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await loginLogs(user.login))[0]).toMatchObject({ success: false, reason: 'ip_throttled', ip });
    expect((await loginRequest(user.login, user.password, freshIp())).status).toBe(200);
  });
});

describe('CSRF', () => {
  let cookie: string;
  let c: Client;
  beforeAll(async () => {
    const user = await f.user();
    c = await t.login(user.login, user.password);
    cookie = c.cookie!;
  });
  const body = JSON.stringify({ locale: 'zh-CN' });
  const locale = async () => (await c.get('/me')).body.locale;

  it('rejects a state-changing request that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await rawRequest('PATCH', '/me', { cookie, origin: ORIGIN, 'content-type': type }, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('csrf_rejected');
    }
    const none = await rawRequest('PATCH', '/me', { cookie, origin: ORIGIN }, body);
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('csrf_rejected');
    expect(await locale()).toBeNull();
  });

  it('rejects a foreign Origin', async () => {
    const res = await rawRequest('PATCH', '/me', { cookie, origin: 'https://evil.example', 'content-type': 'application/json' }, body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_rejected');
    // A foreign Origin wins over a Sec-Fetch-Site claim.
    const both = await rawRequest('PATCH', '/me', { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body);
    expect(both.status).toBe(403);
    expect(await locale()).toBeNull();
  });

  it('rejects a request with neither Origin nor Sec-Fetch-Site, or a cross-site one', async () => {
    const neither = await rawRequest('PATCH', '/me', { cookie, 'content-type': 'application/json' }, body);
    expect(neither.status).toBe(403);
    expect(neither.body.error.code).toBe('csrf_rejected');
    const cross = await rawRequest('PATCH', '/me', { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body);
    expect(cross.status).toBe(403);
    expect(await locale()).toBeNull();
  });

  it('allows no Origin with Sec-Fetch-Site: same-origin, and a same-origin Origin', async () => {
    const res = await rawRequest('PATCH', '/me', { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body);
    expect(res.status).toBe(200);
    expect(await locale()).toBe('zh-CN');
    const withOrigin = await rawRequest('PATCH', '/me', { cookie, origin: ORIGIN, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ locale: 'en' }));
    expect(withOrigin.status).toBe(200);
    expect(await locale()).toBe('en');
  });

  it('guards sign-in too (login CSRF)', async () => {
    const res = await rawRequest('POST', '/auth/login', { origin: 'https://evil.example', 'content-type': 'application/json', 'x-test-client-ip': freshIp() }, JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_rejected');
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
