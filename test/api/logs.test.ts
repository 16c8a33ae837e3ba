import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';
import { execute, query } from '../../db/sql';

let t: TestApp;
let admin: Client;
let adminId: string;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  adminId = (await admin.get('/me')).body.user.id;
  f = factories(admin);
});
afterAll(async () => t?.close());

const uid = () => randomBytes(4).toString('hex');
const db = () => t.services.db.orm.em.fork();
type OpItem = { id: string; at: string; userId: string | null; userLogin: string | null; object: string; recordId: string; action: string; changes: Record<string, { old: unknown; new: unknown }>; channel: string };

async function ops(params: string) {
  const res = await admin.get(`/logs/operations?limit=500&${params}`);
  expect(res.status).toBe(200);
  expect(res.body.items).toHaveLength(res.body.total);
  return res.body.items as OpItem[];
}

describe('login log', () => {
  it('records successes and failures with reason, ip and user agent, filterable by login and success', async () => {
    const user = await f.user();
    const ua = `LogTest/${uid()}`;
    const attempt = (password: string, ip: string) =>
      t.request('POST', '/auth/login', { body: { login: user.login, password }, headers: { 'x-test-client-ip': ip, 'user-agent': ua } });
    expect((await attempt(user.password, '192.0.2.10')).status).toBe(200);
    expect((await attempt('not-the-password', '192.0.2.11')).status).toBe(401);

    const all = await admin.get(`/logs/logins?login=${user.login}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    // Newest first.
    expect(all.body.items).toEqual([
      { id: expect.any(String), at: expect.any(String), login: user.login, userId: user.id, ip: '192.0.2.11', userAgent: ua, success: false, reason: 'wrong_password' },
      { id: expect.any(String), at: expect.any(String), login: user.login, userId: user.id, ip: '192.0.2.10', userAgent: ua, success: true, reason: 'ok' },
    ]);
    const failures = await admin.get(`/logs/logins?login=${user.login}&success=false`);
    expect(failures.body.items.map((r: { reason: string }) => r.reason)).toEqual(['wrong_password']);
    const successes = await admin.get(`/logs/logins?login=${user.login}&success=true`);
    expect(successes.body.items.map((r: { reason: string }) => r.reason)).toEqual(['ok']);

    const ghost = `ghost-${uid()}`;
    await t.request('POST', '/auth/login', { body: { login: ghost, password: 'whatever-pass' }, headers: { 'x-test-client-ip': '192.0.2.12' } });
    const g = await admin.get(`/logs/logins?login=${ghost}`);
    expect(g.body.items).toEqual([expect.objectContaining({ login: ghost, userId: null, success: false, reason: 'unknown_user', ip: '192.0.2.12', userAgent: null })]);
  });

  it('is readable only with loginLog rights', async () => {
    const { client } = await userWith(t, admin, { employee: { read: 'all' } });
    const res = await client.get('/logs/logins');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await client.get('/logs/operations')).status).toBe(403);
  });

  it('rejects a bad filter value with 400', async () => {
    const res = await admin.get('/logs/logins?success=maybe');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'query.success', code: 'invalid_option' })]);
  });
});

describe('operation log', () => {
  it('records create, update and delete with old → new values and the acting user', async () => {
    const dept = await f.department();
    const name = `Op ${uid()}`;
    const created = await admin.post('/records/employee', { name, departmentId: dept.id, gender: 'female' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Only fields that really change are logged; an unchanged value logs nothing.
    expect((await admin.patch(`/records/employee/${id}`, { name: `${name} 2`, gender: 'female', birthday: '1991-03-04' })).status).toBe(200);
    expect((await admin.patch(`/records/employee/${id}`, { name: `${name} 2` })).status).toBe(200);
    expect((await admin.del(`/records/employee/${id}`)).status).toBe(200);

    const items = await ops(`object=employee&recordId=${id}`);
    expect(items.map((i) => i.action)).toEqual(['delete', 'update', 'create']);
    for (const i of items) expect(i).toMatchObject({ userId: adminId, userLogin: 'admin', object: 'employee', recordId: id, channel: 'api' });
    const [del, upd, crt] = items;
    expect(crt.changes).toMatchObject({ name: { old: null, new: name }, departmentId: { old: null, new: dept.id }, gender: { old: null, new: 'female' }, code: { old: null, new: created.body.code } });
    expect(upd.changes).toEqual({ name: { old: name, new: `${name} 2` }, birthday: { old: null, new: '1991-03-04' } });
    expect(del.changes).toMatchObject({ name: { old: `${name} 2`, new: null }, birthday: { old: '1991-03-04', new: null } });

    expect((await ops(`object=employee&recordId=${id}&action=update`)).map((i) => i.id)).toEqual([upd.id]);
    expect((await ops(`object=department&recordId=${id}`))).toEqual([]);
    expect((await ops(`object=department&recordId=${dept.id}`)).map((i) => i.action)).toEqual(['create']);
  });

  it('names the real user who made the change', async () => {
    const { client, user } = await userWith(t, admin, { employee: { read: 'all', edit: 'all' } });
    const emp = await f.employee();
    expect((await client.patch(`/records/employee/${emp.id}`, { extension: '4242' })).status).toBe(200);
    const [upd] = await ops(`recordId=${emp.id}&action=update`);
    expect(upd).toMatchObject({ userId: user.id, userLogin: user.login, changes: { extension: { old: null, new: '4242' } } });
    expect((await ops(`userId=${user.id}`)).map((i) => i.id)).toEqual([upd.id]);
  });

  it('logs user changes without the password', async () => {
    const user = await f.user();
    const [crt] = await ops(`object=user&recordId=${user.id}`);
    expect(crt.changes.password).toEqual({ old: null, new: '***' });
    expect(JSON.stringify(crt.changes)).not.toContain(user.password);
  });
});

describe('append-only', () => {
  it('has no route to edit or delete a single log row', async () => {
    const [row] = await ops(`recordId=${(await f.department()).id}`);
    for (const path of [`/logs/operations/${row.id}`, `/logs/logins/1`]) {
      const patch = await admin.patch(path, { action: 'create' });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('not_found');
      expect((await admin.del(path)).status).toBe(404);
    }
    expect((await ops(`recordId=${row.recordId}`)).find((i) => i.id === row.id)).toEqual(row);
  });

  it('refuses a direct SQL UPDATE on either log (trigger)', async () => {
    const [row] = await ops(`recordId=${(await f.department()).id}`);
    await expect(execute(db(), `update operation_log set action = 'delete' where id = ?`, [row.id])).rejects.toThrow(/append-only/);
    await expect(execute(db(), `update login_log set success = false where login = 'admin'`)).rejects.toThrow(/append-only/);
    const [still] = await query<{ action: string }>(db(), `select action from operation_log where id = ?`, [row.id]);
    expect(still.action).toBe(row.action);
  });
});

describe('retention', () => {
  const old = new Date('2001-02-03T04:05:06Z');
  const marker = `retention-${uid()}`;
  beforeAll(async () => {
    // Rows may be inserted with any time (only updates are forbidden), which stands in for age.
    for (let i = 0; i < 3; i++) {
      await execute(db(), `insert into operation_log (at, user_id, object, record_id, action, changes, channel) values (?, null, 'employee', ?, 'update', '{}', 'api')`, [old, marker]);
    }
    await execute(db(), `insert into login_log (at, login, user_id, ip, user_agent, success, reason) values (?, ?, null, null, null, false, 'unknown_user')`, [old, marker]);
  });

  it('refuses a non-admin (403), even with log rights, and deletes nothing', async () => {
    const { client } = await userWith(t, admin, { operationLog: { read: 'all', delete: 'all' }, loginLog: { read: 'all', delete: 'all' } });
    const before = (await admin.get('/logs/operations?limit=1')).body.total;
    const res = await client.del('/logs/operations?before=2010-01-01T00:00:00Z');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await client.del('/logs/logins?before=2010-01-01T00:00:00Z')).status).toBe(403);
    expect((await admin.get('/logs/operations?limit=1')).body.total).toBe(before);
    expect((await ops(`recordId=${marker}`))).toHaveLength(3);
  });

  it('needs a valid before date', async () => {
    for (const path of ['/logs/operations', '/logs/operations?before=yesterday']) {
      const res = await admin.del(path);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].field).toBe('query.before');
    }
    expect((await ops(`recordId=${marker}`))).toHaveLength(3);
  });

  it('deletes only rows older than before and says how many', async () => {
    const before = (await admin.get('/logs/operations?limit=1')).body.total;
    expect(before).toBeGreaterThan(3);
    const res = await admin.del('/logs/operations?before=2010-01-01T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 3 });
    expect(await ops(`recordId=${marker}`)).toEqual([]);
    expect((await admin.get('/logs/operations?limit=1')).body.total).toBe(before - 3);
    // Nothing older is left.
    expect((await admin.del('/logs/operations?before=2010-01-01T00:00:00Z')).body).toEqual({ deleted: 0 });

    const logins = await admin.del('/logs/logins?before=2010-01-01T00:00:00Z');
    expect(logins.status).toBe(200);
    expect(logins.body).toEqual({ deleted: 1 });
    expect((await admin.get(`/logs/logins?login=${marker}`)).body.total).toBe(0);
    expect((await admin.get('/logs/logins?login=admin')).body.total).toBeGreaterThan(0);
  });
});
