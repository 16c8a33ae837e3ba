// Co-editing of cards on one real listening server, with the official y-websocket client.
import { randomBytes, randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, loginCookie, startTestServer, type TestServer } from '../helpers/server';
import { openCollab, type CollabClient } from '../../collab/yjs/node-client';
import { execute, query } from '../../db/sql';
import type { GroupPermissions } from '../../db/entities';
import { sessionTimings } from '../../collab/sessions';
import { hashToken } from '../../server/auth/sessions';

// Sessions of open connections are checked every half second here instead of every 30 s.
sessionTimings.checkMs = 500;

let t: TestServer;
let admin: string;
const open: CollabClient[] = [];

const uid = () => randomBytes(4).toString('hex');

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.admin();
});
afterEach(() => {
  for (const c of open.splice(0)) c.destroy();
});
afterAll(async () => t?.close());

async function ok<T = any>(res: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A signed-in user with exactly these permissions; returns its id, login and cookie. */
async function userWith(permissions: GroupPermissions) {
  const group = await ok(api(t.url, admin, 'POST', '/groups', { name: `G ${uid()}`, permissions }), 201);
  const login = `u${uid()}`;
  const password = `pw-${uid()}-${uid()}`;
  const user = await ok(api(t.url, admin, 'POST', '/users', { login, password, groupIds: [group.id] }), 201);
  return { id: user.id as string, login, cookie: await loginCookie(t.url, login, password) };
}

const customer = (fields: Record<string, unknown> = {}) => ok(api(t.url, admin, 'POST', '/records/customer', { name: `Customer ${uid()}`, ...fields }), 201);
const read = async (id: string) => ok(api(t.url, admin, 'GET', `/records/customer/${id}`));

async function connect(id: string, cookie: string, object = 'customer'): Promise<CollabClient> {
  const c = openCollab(t.url, `${object}:${id}`, cookie);
  open.push(c);
  await c.synced;
  return c;
}

const text = (c: CollabClient, field: string) => c.fields.get(field) as Y.Text;

/** The HTTP status a WebSocket upgrade is answered with (101 when accepted). */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('co-editing a card', () => {
  it('seeds the doc from the columns: text fields as Y.Text, the others as the API presents them, every key present', async () => {
    const c0 = await customer({ notes: 'First line', industry: 'trade', annualRevenue: '1200.5', tags: ['vip'] });
    const c = await connect(c0.id, admin);
    expect(text(c, 'notes')).toBeInstanceOf(Y.Text);
    expect(c.text('notes')).toBe('First line');
    expect(text(c, 'shortName').toString()).toBe('');
    expect(c.fields.get('industry')).toBe('trade');
    expect(c.fields.get('annualRevenue')).toBe('1200.50');
    expect(c.fields.get('tags')).toEqual(['vip']);
    expect(c.fields.has('grade')).toBe(true);
    expect(c.fields.get('grade')).toBeNull();
    for (const system of ['id', 'createdAt', 'updatedAt']) expect(c.fields.has(system)).toBe(false);
  });

  it('two providers converge on concurrent edits to the same text and to different fields', async () => {
    const editor = await userWith({ customer: { read: 'all', edit: 'all' } });
    const c0 = await customer({ notes: 'shared' });
    const a = await connect(c0.id, admin);
    const b = await connect(c0.id, editor.cookie);
    // Concurrent: both edit before either sees the other.
    a.doc.transact(() => {
      text(a, 'notes').insert(0, 'A> ');
      a.fields.set('industry', 'it');
    });
    b.doc.transact(() => {
      text(b, 'notes').insert(text(b, 'notes').length, ' <B');
      b.fields.set('grade', 'B');
    });
    await expect.poll(() => b.text('notes')).toBe('A> shared <B');
    await expect.poll(() => a.text('notes')).toBe('A> shared <B');
    await expect.poll(() => [a.fields.get('industry'), a.fields.get('grade'), b.fields.get('industry'), b.fields.get('grade')]).toEqual(['it', 'B', 'it', 'B']);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    // Both reach the columns, each written as the user who made it.
    await expect.poll(async () => {
      const r = await read(c0.id);
      return [r.notes, r.industry, r.grade];
    }).toEqual(['A> shared <B', 'it', 'B']);
  });

  it('a user whose rights shrink while the card is open is connected again, read-only, at once', async () => {
    const group = await ok(api(t.url, admin, 'POST', '/groups', { name: `G ${uid()}`, permissions: { customer: { read: 'all', edit: 'all' } } }), 201);
    const login = `u${uid()}`;
    const password = `pw-${uid()}-${uid()}`;
    await ok(api(t.url, admin, 'POST', '/users', { login, password, groupIds: [group.id] }), 201);
    const c0 = await customer({ notes: 'before' });
    const u = await connect(c0.id, await loginCookie(t.url, login, password));
    const a = await connect(c0.id, admin);
    text(u, 'notes').insert(0, 'ok ');
    await expect.poll(async () => (await read(c0.id)).notes).toBe('ok before');
    await ok(api(t.url, admin, 'PATCH', `/groups/${group.id}`, { permissions: { customer: { read: 'all' } } }));
    await expect.poll(() => u.notices.map((n) => n.code), { timeout: 5000 }).toContain('readOnly');
    text(u, 'notes').insert(0, 'HACK ');
    text(a, 'notes').insert(text(a, 'notes').length, '!');
    await expect.poll(async () => (await read(c0.id)).notes).toBe('ok before!');
    expect(a.text('notes')).toBe('ok before!');
  });

  it("drops a read-only user's edits and leaves the columns unchanged", async () => {
    const viewer = await userWith({ customer: { read: 'all' } });
    const c0 = await customer({ notes: 'keep me', grade: 'A' });
    const v = await connect(c0.id, viewer.cookie);
    const a = await connect(c0.id, admin);
    await expect.poll(() => v.notices.map((n) => n.code)).toContain('readOnly');
    v.doc.transact(() => {
      text(v, 'notes').insert(0, 'HACK ');
      v.fields.set('grade', 'D');
    });
    // An edit by an editor after it is seen by everyone; the viewer's never is.
    text(a, 'notes').insert(text(a, 'notes').length, '!');
    await expect.poll(() => v.text('notes')).toBe('HACK keep me!');
    await expect.poll(async () => (await read(c0.id)).notes).toBe('keep me!');
    expect(a.text('notes')).toBe('keep me!');
    expect(a.fields.get('grade')).toBe('A');
    expect((await read(c0.id)).grade).toBe('A');
    // A fresh client sees the server's doc: nothing of the viewer's.
    const fresh = await connect(c0.id, admin);
    expect(fresh.text('notes')).toBe('keep me!');
    expect(fresh.fields.get('grade')).toBe('A');
  });

  it('reverts an edit of a field the user may not edit and tells the sender why', async () => {
    const limited = await userWith({ customer: { read: 'all', edit: 'all', deny: { edit: ['grade', 'notes'] } } });
    const c0 = await customer({ grade: 'A', notes: 'fixed' });
    const u = await connect(c0.id, limited.cookie);
    const a = await connect(c0.id, admin);
    u.doc.transact(() => {
      u.fields.set('grade', 'C');
      text(u, 'notes').insert(0, 'no ');
      u.fields.set('industry', 'finance');
    });
    await expect.poll(() => u.notices.filter((n) => n.code === 'forbidden').map((n) => [n.field, n.fieldCode]).sort()).toEqual([
      ['grade', 'protected_field'],
      ['notes', 'protected_field'],
    ]);
    await expect.poll(() => [u.fields.get('grade'), u.text('notes'), a.fields.get('grade'), a.text('notes')]).toEqual(['A', 'fixed', 'A', 'fixed']);
    // The allowed part of the same change stays and is written back.
    await expect.poll(async () => (await read(c0.id)).industry).toBe('finance');
    const r = await read(c0.id);
    expect([r.grade, r.notes]).toEqual(['A', 'fixed']);
    // Undone on arrival, not left for the write path to refuse.
    expect(u.notices.filter((n) => n.code === 'writeFailed')).toEqual([]);
  });

  it('reverts an invalid value: an unknown select option, a text too long, a wrong type, a key that is no field', async () => {
    const c0 = await customer({ industry: 'it', postcode: '100000' });
    const c = await connect(c0.id, admin);
    const a = await connect(c0.id, admin);
    c.fields.set('industry', 'astrology');
    await expect.poll(() => c.notices.find((n) => n.field === 'industry')).toMatchObject({ code: 'invalid', fieldCode: 'invalid_option' });
    await expect.poll(() => [c.fields.get('industry'), a.fields.get('industry')]).toEqual(['it', 'it']);

    // postcode allows 16 characters: typing a 17th is undone at once.
    text(c, 'postcode').insert(6, '12345678901');
    await expect.poll(() => c.notices.find((n) => n.field === 'postcode')).toMatchObject({ code: 'invalid', fieldCode: 'too_long' });
    await expect.poll(() => [c.text('postcode'), a.text('postcode')]).toEqual(['100000', '100000']);

    c.fields.set('annualRevenue', { amount: 5 });
    c.fields.set('bogus', 'x');
    await expect.poll(() => c.notices.map((n) => `${n.code}:${n.field}:${n.fieldCode}`)).toEqual(
      expect.arrayContaining(['invalid:annualRevenue:invalid_type', 'forbidden:bogus:unknown_field']),
    );
    await expect.poll(() => [c.fields.get('annualRevenue'), c.fields.has('bogus'), a.fields.has('bogus')]).toEqual([null, false, false]);
    const r = await read(c0.id);
    expect([r.industry, r.postcode, r.annualRevenue]).toEqual(['it', '100000', null]);
  });

  it('lets a required text be empty while typing, but sets it back at write-back and says why', async () => {
    const c0 = await customer({ name: 'Named Co' });
    const c = await connect(c0.id, admin);
    const name = text(c, 'name');
    name.delete(0, name.length);
    await expect.poll(() => c.notices.find((n) => n.field === 'name')).toMatchObject({ code: 'writeFailed', fieldCode: 'required' });
    await expect.poll(() => c.text('name')).toBe('Named Co');
    expect((await read(c0.id)).name).toBe('Named Co');
  });

  it('writes a refused reference back as the column value and tells the editor', async () => {
    const c0 = await customer();
    const c = await connect(c0.id, admin);
    c.fields.set('ownerId', randomUUID());
    await expect.poll(() => c.notices.find((n) => n.field === 'ownerId')).toMatchObject({ code: 'writeFailed', fieldCode: 'invalid_reference' });
    await expect.poll(() => c.fields.get('ownerId')).toBeNull();
  });

  it('writes merged values back with field history and an operation log naming the real user', async () => {
    const editor = await userWith({ customer: { read: 'all', edit: 'all' } });
    const c0 = await customer({ notes: 'n' });
    const e = await connect(c0.id, editor.cookie);
    e.doc.transact(() => {
      e.fields.set('annualRevenue', '98765.4');
      text(e, 'notes').insert(1, 'otes by editor');
    });
    await expect.poll(async () => {
      const r = await read(c0.id);
      return [r.annualRevenue, r.notes];
    }).toEqual(['98765.40', 'notes by editor']);
    // The stored form comes back into the doc.
    await expect.poll(() => e.fields.get('annualRevenue')).toBe('98765.40');
    const history = await ok(api(t.url, admin, 'GET', `/records/customer/${c0.id}/history`));
    expect(history.items.find((h: any) => h.field === 'annualRevenue')).toMatchObject({ new: '98765.4', userId: editor.id, userLogin: editor.login, channel: 'collab' });
    const ops = await ok(api(t.url, admin, 'GET', `/logs/operations?recordId=${c0.id}&action=update`));
    expect(ops.items.length).toBeGreaterThan(0);
    for (const op of ops.items) expect(op).toMatchObject({ userId: editor.id, userLogin: editor.login, channel: 'collab' });
    expect(Object.keys(ops.items.flatMap((o: any) => Object.keys(o.changes)).reduce((s: any, k: string) => ({ ...s, [k]: 1 }), {})).sort()).toEqual(['annualRevenue', 'notes']);
  });

  it('shows a REST PATCH in the open doc without touching what is being typed elsewhere', async () => {
    const c0 = await customer({ notes: 'typed', grade: 'A' });
    const c = await connect(c0.id, admin);
    text(c, 'notes').insert(5, ' more ');
    await ok(api(t.url, admin, 'PATCH', `/records/customer/${c0.id}`, { grade: 'C', address: '1 Long Road' }));
    await expect.poll(() => [c.fields.get('grade'), c.text('address')]).toEqual(['C', '1 Long Road']);
    // The trailing space typed into notes is still there once the write-back came and went.
    await expect.poll(async () => (await read(c0.id)).notes).toBe('typed more');
    expect(c.text('notes')).toBe('typed more ');
  });

  it('closes the doc with "deleted" when the record is deleted', async () => {
    const c0 = await customer();
    const c = await connect(c0.id, admin);
    await ok(api(t.url, admin, 'DELETE', `/records/customer/${c0.id}`));
    await expect.poll(() => c.notices.map((n) => n.code)).toContain('deleted');
    await expect.poll(() => c.closeCode).toBe(4404);
    expect(await upgradeStatus(`/collab/customer:${c0.id}`, { origin: t.url, cookie: admin })).toBe(404);
  });

  it('merges an offline client with edits made meanwhile when it reconnects', async () => {
    const c0 = await customer({ notes: 'base' });
    const a = await connect(c0.id, admin);
    const b = await connect(c0.id, admin);
    a.provider.disconnect();
    text(a, 'notes').insert(0, 'offline ');
    a.fields.set('grade', 'D');
    text(b, 'notes').insert(text(b, 'notes').length, ' online');
    b.fields.set('industry', 'retail');
    await expect.poll(async () => (await read(c0.id)).notes).toBe('base online');
    a.provider.connect();
    await expect.poll(() => [a.text('notes'), b.text('notes')]).toEqual(['offline base online', 'offline base online']);
    await expect.poll(() => [a.fields.get('industry'), b.fields.get('grade')]).toEqual(['retail', 'D']);
    await expect.poll(async () => {
      const r = await read(c0.id);
      return [r.notes, r.grade, r.industry];
    }).toEqual(['offline base online', 'D', 'retail']);
  });

  it('compacts the update log while editing and when the doc unloads, losing nothing', async () => {
    const c0 = await customer({ notes: '' });
    const name = `customer:${c0.id}`;
    const rows = async () => Number((await query<{ n: string }>(t.server.services.db.orm.em.fork(), `select count(*) as n from collab_update where doc_name = ?`, [name]))[0].n);
    const c = await connect(c0.id, admin);
    const notes = text(c, 'notes');
    const type = async (n: number) => {
      for (let i = 0; i < n; i++) {
        notes.insert(notes.length, String(i % 10));
        if (i % 25 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };
    await type(150);
    await expect.poll(async () => (await read(c0.id)).notes).toBe(notes.toString());
    await type(150);
    await expect.poll(() => c.saved()).toBe(true);
    // 300 updates were appended; past 200 the ones already written back were folded into the snapshot.
    await expect.poll(rows).toBeLessThan(200);
    const typed = notes.toString();
    expect(typed).toHaveLength(300);
    c.destroy();
    // Unloaded a few seconds after the last connection: written back, everything folded.
    await expect.poll(rows, { timeout: 15_000 }).toBe(0);
    expect((await read(c0.id)).notes).toBe(typed);
    const [doc] = await query<{ snapshot: Uint8Array | null }>(t.server.services.db.orm.em.fork(), `select snapshot from collab_doc where name = ?`, [name]);
    expect(doc.snapshot?.length).toBeGreaterThan(300);
    const fresh = await connect(c0.id, admin);
    expect(fresh.text('notes')).toBe(typed);
  });

  it('co-edits a record of a custom business type, and a custom field added meanwhile joins the open doc', async () => {
    const lbl = (en: string) => ({ en, 'zh-CN': en });
    const type = `visit${uid()}`;
    await ok(
      api(t.url, admin, 'POST', '/meta/objects', {
        name: type,
        label: lbl('Visit'),
        pluralLabel: lbl('Visits'),
        fields: [
          { name: 'report', type: 'longText', label: lbl('Report'), maxLength: 50 },
          { name: 'mood', type: 'select', label: lbl('Mood'), options: [{ value: 'good', label: lbl('Good') }, { value: 'bad', label: lbl('Bad') }] },
        ],
      }),
      201,
    );
    const rec = await ok(api(t.url, admin, 'POST', `/records/${type}`, { name: 'First visit', report: 'Went well' }), 201);
    const a = await connect(rec.id, admin, type);
    const b = await connect(rec.id, admin, type);
    expect(a.text('report')).toBe('Went well');
    text(a, 'report').insert(9, ', really');
    b.fields.set('mood', 'good');
    b.fields.set('mood', 'meh');
    await expect.poll(() => b.notices.find((n) => n.field === 'mood')).toMatchObject({ code: 'invalid', fieldCode: 'invalid_option' });
    await expect.poll(async () => {
      const r = await ok(api(t.url, admin, 'GET', `/records/${type}/${rec.id}`));
      return [r.report, r.mood];
    }).toEqual(['Went well, really', 'good']);

    await ok(api(t.url, admin, 'POST', `/meta/objects/${type}/fields`, { name: 'followUp', type: 'text', label: lbl('Follow-up') }), 201);
    expect(a.fields.has('followUp')).toBe(false);
    await connect(rec.id, admin, type);
    await expect.poll(() => a.fields.get('followUp')).toBeInstanceOf(Y.Text);
    text(a, 'followUp').insert(0, 'Call back');
    await expect.poll(async () => (await ok(api(t.url, admin, 'GET', `/records/${type}/${rec.id}`))).followUp).toBe('Call back');
  });

  it('keeps a field some group may not read out of the shared doc', async () => {
    await userWith({ customer: { read: 'all', deny: { read: ['creditLimit'] } } });
    const c0 = await customer({ creditLimit: '5000' });
    const c = await connect(c0.id, admin);
    expect(c.fields.has('creditLimit')).toBe(false);
    expect(c.fields.has('annualRevenue')).toBe(true);
    // Put in anyway, it is refused like any unknown key.
    c.fields.set('creditLimit', '1');
    await expect.poll(() => c.notices.find((n) => n.field === 'creditLimit')).toMatchObject({ code: 'forbidden', fieldCode: 'unknown_field' });
    await expect.poll(() => c.fields.has('creditLimit')).toBe(false);
    expect((await read(c0.id)).creditLimit).toBe('5000.00');
  });

  it('shows presence with the real user id and removes it when the tab closes', async () => {
    const editor = await userWith({ customer: { read: 'all', edit: 'all' } });
    const c0 = await customer();
    const a = openCollab(t.url, `customer:${c0.id}`, admin, { awareness: { user: { id: 'someone-else', name: 'A' }, field: 'notes' } });
    open.push(a);
    const b = await connect(c0.id, editor.cookie);
    b.provider.awareness.setLocalState({ user: { id: 'fake', name: 'B' }, field: null });
    await expect.poll(() => b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ field: 'notes', user: { name: 'A' } });
    const adminId = (await ok(api(t.url, admin, 'GET', '/me'))).id ?? (await ok(api(t.url, admin, 'GET', '/me'))).user?.id;
    expect(b.provider.awareness.getStates().get(a.doc.clientID)!.user.id).toBe(adminId);
    await expect.poll(() => a.provider.awareness.getStates().get(b.doc.clientID)?.user?.id).toBe(editor.id);
    // A tab cannot change or remove another tab's presence.
    const forged = (state: string) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      const u = encoding.createEncoder();
      encoding.writeVarUint(u, 1);
      encoding.writeVarUint(u, a.doc.clientID);
      encoding.writeVarUint(u, 10_000);
      encoding.writeVarString(u, state);
      encoding.writeVarUint8Array(e, encoding.toUint8Array(u));
      (b.provider.ws as unknown as { send(d: Uint8Array): void }).send(encoding.toUint8Array(e));
    };
    forged(JSON.stringify({ user: { name: 'Forged' }, field: 'grade' }));
    forged('null');
    const watcher = await connect(c0.id, admin);
    await expect.poll(() => watcher.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ field: 'notes', user: { name: 'A' } });
    expect(b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ field: 'notes', user: { name: 'A' } });
    a.destroy();
    await expect.poll(() => b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false);
  });
});

describe('who may connect', () => {
  let c0: Record<string, any>;
  beforeAll(async () => {
    c0 = await customer();
  });

  it('refuses a foreign Origin (403) and a missing or unknown cookie (401) before any WebSocket', async () => {
    const path = `/collab/customer:${c0.id}`;
    expect(await upgradeStatus(path, { origin: 'https://evil.example', cookie: admin })).toBe(403);
    expect(await upgradeStatus(path, { cookie: admin })).toBe(403);
    expect(await upgradeStatus(path, { origin: t.url })).toBe(401);
    expect(await upgradeStatus(path, { origin: t.url, cookie: `tandem_session=${randomBytes(32).toString('base64url')}` })).toBe(401);
    expect(await upgradeStatus(path, { origin: t.url, cookie: admin })).toBe(101);
  });

  it('refuses an expired session and a deleted one', async () => {
    const u = await userWith({ customer: { read: 'all' } });
    const expired = await loginCookie(t.url, u.login, (await resetPassword(u.id)).password);
    const em = t.server.services.db.orm.em.fork();
    await execute(em, `update session set expires_at = ? where user_id = ?`, [new Date(Date.now() - 60_000), u.id]);
    expect(await upgradeStatus(`/collab/customer:${c0.id}`, { origin: t.url, cookie: expired })).toBe(401);
    const second = await loginCookie(t.url, u.login, (await resetPassword(u.id)).password);
    await execute(em, `delete from session where user_id = ?`, [u.id]);
    expect(await upgradeStatus(`/collab/customer:${c0.id}`, { origin: t.url, cookie: second })).toBe(401);
  });

  it('answers 404 alike for a record the user may not read, one that does not exist, an unknown object and a bad name', async () => {
    const dept = await ok(api(t.url, admin, 'POST', '/records/department', { name: `D ${uid()}`, organisationId: (await ok(api(t.url, admin, 'POST', '/records/organisation', { name: `O ${uid()}` }), 201)).id }), 201);
    const own = await userWith({ customer: { read: 'own', edit: 'own' } });
    const other = await customer({ departmentId: dept.id });
    for (const path of [`/collab/customer:${other.id}`, `/collab/customer:${randomUUID()}`, `/collab/nothing:${c0.id}`, `/collab/customer:not-a-uuid`, '/collab/customer']) {
      expect(await upgradeStatus(path, { origin: t.url, cookie: own.cookie }), path).toBe(404);
    }
    const noRights = await userWith({ organisation: { read: 'all' } });
    expect(await upgradeStatus(`/collab/customer:${c0.id}`, { origin: t.url, cookie: noRights.cookie })).toBe(404);
  });

  it('closes the connection of a signed-out session and of a disabled user within seconds', async () => {
    const u = await userWith({ customer: { read: 'all', edit: 'all' } });
    const other = await loginCookie(t.url, u.login, (await resetPassword(u.id)).password);
    const a = await connect(c0.id, other);
    const b = await connect(c0.id, admin);
    await ok(api(t.url, other, 'POST', '/auth/logout', {}));
    await expect.poll(() => a.closeCode, { timeout: 5000 }).toBe(4401);
    expect(b.closeCode).toBeNull();

    const again = await loginCookie(t.url, u.login, (await resetPassword(u.id)).password);
    const c = await connect(c0.id, again);
    await ok(api(t.url, admin, 'PATCH', `/users/${u.id}`, { active: false }));
    await expect.poll(() => c.closeCode, { timeout: 5000 }).toBe(4401);
    expect(await upgradeStatus(`/collab/customer:${c0.id}`, { origin: t.url, cookie: again })).toBe(401);
  });

  it('closes the connection of a session that expires or goes idle while it is open', async () => {
    const u = await userWith({ customer: { read: 'all', edit: 'all' } });
    const a = await connect(c0.id, u.cookie);
    await execute(em(), `update session set expires_at = now() - interval '1 second' where id = ?`, [sessionIdOf(u.cookie)]);
    await expect.poll(() => a.closeCode, { timeout: 5000 }).toBe(4401);

    const again = await loginCookie(t.url, u.login, (await resetPassword(u.id)).password);
    const b = await connect(c0.id, again);
    await execute(em(), `update session set last_seen_at = now() - interval '1 day' where id = ?`, [sessionIdOf(again)]);
    await expect.poll(() => b.closeCode, { timeout: 5000 }).toBe(4401);
  });

  it('keeps the session of someone typing in a card alive, though no HTTP request comes', async () => {
    const u = await userWith({ customer: { read: 'all', edit: 'all' } });
    const c = await customer();
    const a = await connect(c.id, u.cookie);
    // Three seconds short of the idle limit.
    const idle = t.server.services.env.SESSION_IDLE_MINUTES;
    await execute(em(), `update session set last_seen_at = now() - make_interval(mins => ?) + interval '3 seconds' where id = ?`, [idle, sessionIdOf(u.cookie)]);
    for (let i = 0; i < 12; i++) {
      text(a, 'notes').insert(text(a, 'notes').length, 'x');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(a.closeCode).toBeNull();
    const [row] = await query<{ idle_seconds: number }>(em(), `select extract(epoch from now() - last_seen_at)::float as idle_seconds from session where id = ?`, [sessionIdOf(u.cookie)]);
    expect(row.idle_seconds).toBeLessThan(10);
    expect((await ok(api(t.url, u.cookie, 'GET', `/records/customer/${c.id}`))).notes).toBe('x'.repeat(12));
  });
});

/** Gives a user a new known password (the admin may), so a test can sign in again. */
async function resetPassword(userId: string) {
  const password = `pw-${uid()}-${uid()}`;
  await ok(api(t.url, admin, 'PATCH', `/users/${userId}`, { password }));
  return { password };
}

const em = () => t.server.services.db.orm.em.fork();
/** The stored id of the session behind a cookie. */
const sessionIdOf = (cookie: string) => hashToken(decodeURIComponent(cookie.split('=')[1]));
