import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';
import { factories } from '../helpers/factories';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
});
afterAll(async () => t?.close());

/** A signed-in user linked to an employee with this name. */
async function person(name = `员工${Math.random().toString(36).slice(2, 6)}`) {
  const employee = await f.employee({ name });
  const user = await f.user({ employeeId: employee.id });
  const client = await t.login(user.login, user.password);
  return { user, client, name, employee };
}

const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));

async function upload(cookie: string | null) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), '截图.png');
  const res = await t.app.request(`${ORIGIN}/api/files`, { method: 'POST', body: form, headers: { origin: ORIGIN, host: 'localhost', cookie: cookie ?? '' } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string; size: number; type: string };
}

const fieldsOf = (res: { body: any }) => res.body.error.details.fields.map((x: any) => x.field);

describe('conversations', () => {
  it('opens one direct conversation per pair, whoever asks and however often', async () => {
    const a = await person();
    const b = await person();
    const first = await a.client.post('/conversations', { kind: 'direct', userId: b.user.id });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'direct', title: null, unread: 0, lastMessage: null });
    expect(first.body.members.map((m: any) => m.userId).sort()).toEqual([a.user.id, b.user.id].sort());
    expect(first.body.members.find((m: any) => m.userId === b.user.id).name).toBe(b.name);
    const again = await a.client.post('/conversations', { kind: 'direct', userId: b.user.id });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reverse = await b.client.post('/conversations', { kind: 'direct', userId: a.user.id });
    expect(reverse.status).toBe(200);
    expect(reverse.body.id).toBe(first.body.id);
    // Both at once still make one.
    const c = await person();
    const [x, y] = await Promise.all([a.client.post('/conversations', { kind: 'direct', userId: c.user.id }), c.client.post('/conversations', { kind: 'direct', userId: a.user.id })]);
    expect(x.body.id).toBe(y.body.id);
  });

  it('refuses a direct conversation with oneself, an unknown or a disabled user', async () => {
    const a = await person();
    const self = await a.client.post('/conversations', { kind: 'direct', userId: a.user.id });
    expect(self.status).toBe(400);
    expect(fieldsOf(self)).toEqual(['userId']);
    const unknown = await a.client.post('/conversations', { kind: 'direct', userId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['userId']);
    const off = await f.user({ active: false });
    const disabled = await a.client.post('/conversations', { kind: 'direct', userId: off.id });
    expect(disabled.status).toBe(400);
  });

  it('makes a group with its creator, renames it, adds and removes members; only members may', async () => {
    const a = await person();
    const b = await person();
    const c = await person();
    const outsider = await person();
    const created = await a.client.post('/conversations', { kind: 'group', title: '华东销售群', memberIds: [b.user.id] });
    expect(created.status).toBe(201);
    expect(created.body.members.map((m: any) => m.userId).sort()).toEqual([a.user.id, b.user.id].sort());
    const id = created.body.id;
    const renamed = await b.client.patch(`/conversations/${id}`, { title: '华东销售', addMemberIds: [c.user.id] });
    expect(renamed.status).toBe(200);
    expect(renamed.body.title).toBe('华东销售');
    expect(renamed.body.members).toHaveLength(3);
    expect((await c.client.get('/conversations')).body.items.map((x: any) => x.id)).toContain(id);
    expect((await outsider.client.patch(`/conversations/${id}`, { title: '偷改' })).status).toBe(404);
    expect((await outsider.client.get(`/conversations/${id}`)).status).toBe(404);
    const removed = await a.client.patch(`/conversations/${id}`, { removeMemberIds: [c.user.id] });
    expect(removed.body.members).toHaveLength(2);
    expect((await c.client.get(`/conversations/${id}/messages`)).status).toBe(404);
    expect((await c.client.get('/conversations')).body.items.map((x: any) => x.id)).not.toContain(id);
  });

  it('does not rename a direct conversation, and names each bad field', async () => {
    const a = await person();
    const b = await person();
    const direct = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    expect((await a.client.patch(`/conversations/${direct.id}`, { title: 'x' })).status).toBe(409);
    const noTitle = await a.client.post('/conversations', { kind: 'group', title: '  ', memberIds: [b.user.id] });
    expect(noTitle.status).toBe(400);
    expect(fieldsOf(noTitle)).toEqual(['title']);
    const badMember = await a.client.post('/conversations', { kind: 'group', title: '组', memberIds: [b.user.id, '00000000-0000-4000-8000-000000000000'] });
    expect(badMember.status).toBe(400);
    expect(fieldsOf(badMember)).toEqual(['memberIds.1']);
    const onlyMe = await a.client.post('/conversations', { kind: 'group', title: '组', memberIds: [a.user.id] });
    expect(onlyMe.status).toBe(400);
    expect(fieldsOf(onlyMe)).toEqual(['memberIds']);
    const badKind = await a.client.post('/conversations', { kind: 'channel', title: 'x' });
    expect(badKind.status).toBe(400);
    expect(fieldsOf(badKind)).toContain('kind');
    const extra = await a.client.post('/conversations', { kind: 'direct', userId: b.user.id, admin: true });
    expect(extra.status).toBe(400);
    expect(fieldsOf(extra)).toEqual(['admin']);
  });
});

describe('messages', () => {
  it('stores messages, counts unread per member, and moves the read position on read', async () => {
    const a = await person();
    const b = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const sent = [];
    for (const text of ['你好', '在吗？', '报价单已发']) {
      const res = await a.client.post(`/conversations/${conv.id}/messages`, { body: text, clientId: `c-${text}` });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ body: text, senderId: a.user.id, senderName: a.name, conversationId: conv.id, clientId: `c-${text}`, attachments: [], mentions: [] });
      sent.push(res.body);
    }
    const forB = (await b.client.get('/conversations')).body.items.find((x: any) => x.id === conv.id);
    expect(forB.unread).toBe(3);
    expect(forB.lastMessage.body).toBe('报价单已发');
    // The sender has read their own messages.
    expect((await a.client.get('/conversations')).body.items.find((x: any) => x.id === conv.id).unread).toBe(0);
    const read = await b.client.post(`/conversations/${conv.id}/read`, { lastReadId: sent[1].id });
    expect(read.status).toBe(200);
    expect(read.body.lastReadId).toBe(sent[1].id);
    expect((await b.client.get(`/conversations/${conv.id}`)).body.unread).toBe(1);
    // Never backwards, never past the last message.
    expect((await b.client.post(`/conversations/${conv.id}/read`, { lastReadId: sent[0].id })).body.lastReadId).toBe(sent[1].id);
    expect((await b.client.post(`/conversations/${conv.id}/read`, { lastReadId: '999999999999' })).body.lastReadId).toBe(sent[2].id);
    const after = (await b.client.get(`/conversations/${conv.id}`)).body;
    expect(after.unread).toBe(0);
    expect(after.members.find((m: any) => m.userId === b.user.id).lastReadId).toBe(sent[2].id);
  });

  it('pages history backwards and searches it, Chinese substrings included', async () => {
    const a = await person();
    const b = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) ids.push((await (i % 2 ? a : b).client.post(`/conversations/${conv.id}/messages`, { body: i === 4 ? '明天去上海拜访客户' : `消息 ${i} 100%_done` })).body.id);
    const page1 = await a.client.get(`/conversations/${conv.id}/messages?limit=3`);
    expect(page1.body.items.map((m: any) => m.id)).toEqual(ids.slice(4));
    expect(page1.body.hasMore).toBe(true);
    const page2 = await a.client.get(`/conversations/${conv.id}/messages?limit=3&before=${ids[4]}`);
    expect(page2.body.items.map((m: any) => m.id)).toEqual(ids.slice(1, 4));
    const page3 = await a.client.get(`/conversations/${conv.id}/messages?limit=3&before=${ids[1]}`);
    expect(page3.body.items.map((m: any) => m.id)).toEqual([ids[0]]);
    expect(page3.body.hasMore).toBe(false);
    const inThread = await a.client.get(`/conversations/${conv.id}/messages?q=${encodeURIComponent('上海')}`);
    expect(inThread.body.items.map((m: any) => m.id)).toEqual([ids[3]]);
    const everywhere = await b.client.get(`/messages/search?q=${encodeURIComponent('拜访')}`);
    expect(everywhere.body.items.map((m: any) => m.id)).toEqual([ids[3]]);
    // LIKE wildcards are text, not patterns.
    expect((await a.client.get(`/messages/search?q=${encodeURIComponent('%_d')}`)).body.items).toHaveLength(6);
    expect((await a.client.get(`/messages/search?q=${encodeURIComponent('0%x')}`)).body.items).toHaveLength(0);
    // Someone else's conversations are not searched.
    const outsider = await person();
    expect((await outsider.client.get(`/messages/search?q=${encodeURIComponent('拜访')}`)).body.items).toEqual([]);
    expect((await outsider.client.get(`/conversations/${conv.id}/messages`)).status).toBe(404);
    expect((await a.client.get('/messages/search?q=')).status).toBe(400);
  });

  it('returns what was missed since a message id, across conversations, only the user’s own', async () => {
    const a = await person();
    const b = await person();
    const c = await person();
    const ab = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const group = (await c.client.post('/conversations', { kind: 'group', title: '项目组', memberIds: [a.user.id, b.user.id] })).body;
    const mark = (await a.client.post(`/conversations/${ab.id}/messages`, { body: '之前' })).body.id;
    const m1 = (await b.client.post(`/conversations/${ab.id}/messages`, { body: '一' })).body.id;
    const m2 = (await c.client.post(`/conversations/${group.id}/messages`, { body: '二' })).body.id;
    const bc = (await b.client.post('/conversations', { kind: 'direct', userId: c.user.id })).body;
    await b.client.post(`/conversations/${bc.id}/messages`, { body: '不关 a 的事' });
    const missed = await a.client.get(`/messages/missed?since=${mark}`);
    expect(missed.status).toBe(200);
    expect(missed.body.items.map((m: any) => m.id)).toEqual([m1, m2]);
    expect((await a.client.get('/messages/missed?since=abc')).status).toBe(400);
    expect((await a.client.get('/messages/missed')).status).toBe(400);
  });

  it('takes attachments the sender uploaded (up to 10), and refuses others’ files and bad input naming the field', async () => {
    const a = await person();
    const b = await person();
    const conv = (await a.client.post('/conversations', { kind: 'direct', userId: b.user.id })).body;
    const mine = await upload(a.client.cookie);
    const theirs = await upload(b.client.cookie);
    const ok = await a.client.post(`/conversations/${conv.id}/messages`, { attachmentIds: [mine.id] });
    expect(ok.status).toBe(201);
    expect(ok.body.attachments).toEqual([mine]);
    expect(ok.body.body).toBe('');
    const foreign = await a.client.post(`/conversations/${conv.id}/messages`, { body: '看这个', attachmentIds: [mine.id, theirs.id] });
    expect(foreign.status).toBe(400);
    expect(fieldsOf(foreign)).toEqual(['attachmentIds.1']);
    const tooMany = await a.client.post(`/conversations/${conv.id}/messages`, { body: 'x', attachmentIds: Array.from({ length: 11 }, () => mine.id) });
    expect(tooMany.status).toBe(400);
    expect(fieldsOf(tooMany)).toEqual(['attachmentIds']);
    const twice = await a.client.post(`/conversations/${conv.id}/messages`, { body: 'x', attachmentIds: [mine.id, mine.id] });
    expect(twice.status).toBe(400);
    expect(fieldsOf(twice)).toEqual(['attachmentIds.1']);
    const empty = await a.client.post(`/conversations/${conv.id}/messages`, { body: '   ' });
    expect(empty.status).toBe(400);
    expect(fieldsOf(empty)).toEqual(['body']);
    const long = await a.client.post(`/conversations/${conv.id}/messages`, { body: '字'.repeat(10_001) });
    expect(long.status).toBe(400);
    expect(long.body.error.details.fields).toEqual([{ field: 'body', code: 'too_long', params: { max: 10_000 } }]);
    expect((await a.client.post(`/conversations/${conv.id}/messages`, { body: '字'.repeat(10_000) })).status).toBe(201);
    const wrongType = await a.client.post(`/conversations/${conv.id}/messages`, { body: 42 });
    expect(wrongType.status).toBe(400);
    expect(fieldsOf(wrongType)).toEqual(['body']);
    const badRead = await a.client.post(`/conversations/${conv.id}/read`, { lastReadId: 'latest' });
    expect(badRead.status).toBe(400);
    expect(fieldsOf(badRead)).toEqual(['lastReadId']);
    // Nothing of the refused messages was stored.
    const history = (await b.client.get(`/conversations/${conv.id}/messages?limit=200`)).body.items;
    expect(history.map((m: any) => m.body.length)).toEqual([0, 10_000]);
  });

  it('records @mentions of members by login or employee name, and notifies them but not the sender', async () => {
    const a = await person('王小明');
    const b = await person('李雷');
    const c = await person('李雷雷');
    const outsider = await person('韩梅梅');
    const group = (await a.client.post('/conversations', { kind: 'group', title: '周会', memberIds: [b.user.id, c.user.id] })).body;
    const text = `@李雷雷 和 @${b.user.login} 请看，@韩梅梅 不在群里，@王小明 是我自己，mail@${b.user.login}.com 不算`;
    const sent = await a.client.post(`/conversations/${group.id}/messages`, { body: text });
    expect(sent.status).toBe(201);
    expect(sent.body.mentions).toEqual([c.user.id, b.user.id, a.user.id]);
    for (const who of [b, c]) {
      const list = await who.client.get('/notifications');
      const mention = list.body.items.find((n: any) => n.kind === 'mention');
      expect(mention).toMatchObject({ title: '王小明 在「周会」中提到了你', link: `/messages/${group.id}`, readAt: null });
      expect(mention.data).toEqual({ conversationId: group.id, messageId: sent.body.id });
    }
    expect((await a.client.get('/notifications')).body.items.filter((n: any) => n.kind === 'mention')).toEqual([]);
    expect((await outsider.client.get('/notifications')).body.items).toEqual([]);
  });

  it('lists active people with their display names for pickers', async () => {
    const a = await person('赵六');
    const plain = await f.user();
    const off = await f.user({ active: false });
    const res = await a.client.get('/people');
    expect(res.status).toBe(200);
    const byId = new Map(res.body.items.map((p: any) => [p.id, p]));
    expect(byId.get(a.user.id)).toMatchObject({ name: '赵六', login: a.user.login, employeeId: a.employee.id });
    expect(byId.get(plain.id)).toMatchObject({ name: plain.login, employeeId: null });
    expect(byId.has(off.id)).toBe(false);
    expect((await a.client.get(`/people?q=${encodeURIComponent('赵')}`)).body.items.map((p: any) => p.id)).toContain(a.user.id);
    expect((await t.client().get('/people')).status).toBe(401);
  });
});
