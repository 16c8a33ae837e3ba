import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';
import { query } from '../../db/sql';
import { sendTaskReminders } from '../../server/sales/reminders';

// The pipeline side of sales: stages, opportunities and their stage history, sales tasks.

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
});
afterAll(async () => t?.close());

const uid = () => randomBytes(4).toString('hex');
type Body = Record<string, any>;
const ok = <T = Body>(res: { status: number; body: T }, status = 201): T => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stages = async () => ok(await admin.get('/records/salesStage?limit=100'), 200).items as Body[];
const stage = async (code: string) => (await stages()).find((s) => s.code === code)!;
const customer = async () => ok(await admin.post('/records/customer', { name: `Cust ${uid()}` }));
const opportunity = async (fields: Body, c: Client = admin) => ok(await c.post('/records/opportunity', { name: `Deal ${uid()}`, ...fields }));

describe('stages', () => {
  it('come as the six default stages, in order, in both languages, with win probabilities', async () => {
    const list = await stages();
    expect(list.map((s) => [s.sortOrder, s.code, s.name, s.nameEn, s.probability, s.active])).toEqual([
      [1, 'prospecting', '初步接洽', 'Prospecting', 10, true],
      [2, 'leadFollowUp', '线索跟进', 'Lead follow-up', 25, true],
      [3, 'opportunityConfirmed', '商机确认', 'Opportunity confirmed', 50, true],
      [4, 'contractSigned', '签订合同', 'Contract signed', 75, true],
      [5, 'receivableTracking', '回款跟踪', 'Receivable tracking', 90, true],
      [6, 'repeatSale', '重复销售', 'Repeat sale', 100, true],
    ]);
  });

  it('are renamed, added, reordered and retired; records keep a retired stage but take no new one', async () => {
    const cust = await customer();
    const lead = await stage('leadFollowUp');
    ok(await admin.patch(`/records/salesStage/${lead.id}`, { name: '需求沟通', nameEn: 'Needs analysis' }), 200);
    const demo = ok(await admin.post('/records/salesStage', { name: '方案演示', nameEn: 'Demo', probability: 40, sortOrder: 99 }));
    const ids = (await stages()).map((s) => s.id);
    // Demo goes right after the renamed stage.
    const wanted = [ids[0], ids[1], demo.id, ...ids.slice(2).filter((id) => id !== demo.id)];
    const reordered = ok(await admin.post('/sales/stages/reorder', { ids: wanted }), 200);
    expect(reordered.items.map((s: Body) => s.sortOrder)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await stages()).map((s) => s.nameEn)).toEqual(['Prospecting', 'Needs analysis', 'Demo', 'Opportunity confirmed', 'Contract signed', 'Receivable tracking', 'Repeat sale']);
    // A partial or repeated list is refused.
    expect(fieldsOf(await admin.post('/sales/stages/reorder', { ids: wanted.slice(1) }))).toEqual([{ field: 'ids', code: 'invalid_type' }]);
    expect(fieldsOf(await admin.post('/sales/stages/reorder', { ids: [wanted[0], ...wanted.slice(0, -1)] }))).toEqual([{ field: 'ids', code: 'invalid_type' }]);
    expect(fieldsOf(await admin.post('/sales/stages/reorder', { ids: [...wanted.slice(1), '00000000-0000-4000-8000-000000000000'] }))).toEqual([{ field: 'ids.6', code: 'invalid_reference' }]);

    const opp = await opportunity({ customerId: cust.id, stageId: demo.id });
    ok(await admin.patch(`/records/salesStage/${demo.id}`, { active: false }), 200);
    expect(ok(await admin.get(`/records/opportunity/${opp.id}`), 200)).toMatchObject({ stageId: demo.id, _labels: { stageId: '方案演示' } });
    // Other edits of that opportunity still work; a new one or a move into the retired stage does not.
    ok(await admin.patch(`/records/opportunity/${opp.id}`, { nextStep: 'call back' }), 200);
    expect(fieldsOf(await admin.post('/records/opportunity', { name: 'x', customerId: cust.id, stageId: demo.id }))).toEqual([{ field: 'stageId', code: 'invalid_option' }]);
    const other = await opportunity({ customerId: cust.id, stageId: lead.id });
    expect(fieldsOf(await admin.patch(`/records/opportunity/${other.id}`, { stageId: demo.id }))).toEqual([{ field: 'stageId', code: 'invalid_option' }]);
    // A stage in use cannot be deleted.
    expect((await admin.del(`/records/salesStage/${demo.id}`)).status).toBe(409);
    expect(fieldsOf(await admin.patch(`/records/salesStage/${demo.id}`, { probability: 101 }))).toEqual([{ field: 'probability', code: 'too_big' }]);
  });
});

describe('opportunities', () => {
  it("take the stage's probability unless someone set another; clearing it follows the stage again", async () => {
    const cust = await customer();
    const [a, b, c] = [await stage('prospecting'), await stage('opportunityConfirmed'), await stage('contractSigned')];
    const opp = await opportunity({ customerId: cust.id, stageId: a.id, amount: '50000.00' });
    expect(opp).toMatchObject({ probability: 10, status: 'open', currency: 'CNY', code: expect.stringMatching(/^OP\d{6}$/) });
    expect(ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: b.id }), 200).probability).toBe(50);
    // Overridden: stays when the stage moves.
    expect(ok(await admin.patch(`/records/opportunity/${opp.id}`, { probability: 65 }), 200).probability).toBe(65);
    expect(ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: c.id }), 200).probability).toBe(65);
    // Stage and probability in one write: the given probability wins.
    expect(ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: b.id, probability: 30 }), 200).probability).toBe(30);
    expect(ok(await admin.patch(`/records/opportunity/${opp.id}`, { probability: null }), 200).probability).toBe(50);
    // Created with a probability of its own.
    expect((await opportunity({ customerId: cust.id, stageId: a.id, probability: 33.5 })).probability).toBe(33.5);
    expect(fieldsOf(await admin.post('/records/opportunity', { name: 'x', customerId: cust.id, stageId: a.id, probability: 120 }))).toEqual([{ field: 'probability', code: 'too_big' }]);
    expect(fieldsOf(await admin.post('/records/opportunity', { name: 'x', customerId: cust.id, stageId: a.id, amount: '-1' }))).toEqual([{ field: 'amount', code: 'too_small' }]);
    expect(fieldsOf(await admin.post('/records/opportunity', { name: 'x', customerId: cust.id }))).toEqual([{ field: 'stageId', code: 'required' }]);
  });

  it('follow a change of their stage probability unless overridden or closed', async () => {
    const cust = await customer();
    const s = ok(await admin.post('/records/salesStage', { name: `阶段 ${uid()}`, probability: 20, sortOrder: 50 }));
    const following = await opportunity({ customerId: cust.id, stageId: s.id });
    const overridden = await opportunity({ customerId: cust.id, stageId: s.id, probability: 70 });
    const won = await opportunity({ customerId: cust.id, stageId: s.id });
    ok(await admin.patch(`/records/opportunity/${won.id}`, { status: 'won' }), 200);
    ok(await admin.patch(`/records/salesStage/${s.id}`, { probability: 35 }), 200);
    const get = async (id: string) => ok(await admin.get(`/records/opportunity/${id}`), 200).probability;
    expect([await get(following.id), await get(overridden.id), await get(won.id)]).toEqual([35, 70, 20]);
  });

  it('keep their stage history with the time spent in each stage', async () => {
    const cust = await customer();
    const [a, b, c] = [await stage('prospecting'), await stage('opportunityConfirmed'), await stage('contractSigned')];
    const opp = await opportunity({ customerId: cust.id, stageId: a.id });
    const pause = 120;
    await sleep(pause);
    ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: b.id }), 200);
    await sleep(pause);
    ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: c.id }), 200);
    await sleep(pause);
    ok(await admin.patch(`/records/opportunity/${opp.id}`, { stageId: a.id }), 200);
    const history = ok(await admin.get(`/records/opportunity/${opp.id}/stages`), 200);
    expect(history.visits.map((v: Body) => [v.stageId, v.stageName, v.stageNameEn, v.userLogin])).toEqual([
      [a.id, a.name, a.nameEn, 'admin'],
      [b.id, b.name, b.nameEn, 'admin'],
      [c.id, c.name, c.nameEn, 'admin'],
      [a.id, a.name, a.nameEn, 'admin'],
    ]);
    // Each visit ends when the next begins; the current one is open.
    for (let i = 0; i < 3; i++) {
      expect(history.visits[i].leftAt).toBe(history.visits[i + 1].enteredAt);
      expect(history.visits[i].durationMs).toBe(Date.parse(history.visits[i].leftAt) - Date.parse(history.visits[i].enteredAt));
      expect(history.visits[i].durationMs).toBeGreaterThanOrEqual(pause - 5);
    }
    expect(history.visits[3].leftAt).toBeNull();
    const totals = Object.fromEntries(history.totals.map((x: Body) => [x.stageId, x]));
    expect(totals[a.id].visits).toBe(2);
    expect(totals[a.id].durationMs).toBe(history.visits[0].durationMs + history.visits[3].durationMs);
    expect(totals[b.id]).toMatchObject({ visits: 1, durationMs: history.visits[1].durationMs });
    // The generic field history shows the same moves.
    const items = ok(await admin.get(`/records/opportunity/${opp.id}/history`), 200).items as Body[];
    expect(items.filter((h) => h.field === 'stageId').map((h) => h.new)).toEqual([a.id, c.id, b.id, a.id]);
    expect((await admin.get('/records/opportunity/00000000-0000-4000-8000-000000000000/stages')).status).toBe(404);
  });

  it('a salesperson with own level sees only their own opportunities, their history and their board', async () => {
    const dept = await f.department();
    const grants = { employee: { read: 'all' }, customer: { read: 'all' }, salesStage: { read: 'all' }, opportunity: { create: 'own', read: 'own', edit: 'own' } } as const;
    const alice = await userWith(t, admin, grants, dept.id);
    const bob = await userWith(t, admin, grants, dept.id);
    const cust = await customer();
    const s = await stage('prospecting');
    const mine = await opportunity({ customerId: cust.id, stageId: s.id, ownerId: alice.employee.id, amount: '100.00' }, alice.client);
    const theirs = await opportunity({ customerId: cust.id, stageId: s.id, ownerId: bob.employee.id, amount: '900.00' }, bob.client);
    const list = ok(await alice.client.get('/records/opportunity'), 200);
    expect(list.items.map((o: Body) => o.id)).toEqual([mine.id]);
    expect((await alice.client.get(`/records/opportunity/${theirs.id}`)).status).toBe(404);
    expect((await alice.client.get(`/records/opportunity/${theirs.id}/stages`)).status).toBe(404);
    expect((await alice.client.patch(`/records/opportunity/${theirs.id}`, { stageId: s.id })).status).toBe(404);
    ok(await alice.client.get(`/records/opportunity/${mine.id}/stages`), 200);
    // The kanban's columns (groups by stage) count only what the user may see.
    const board = ok(await alice.client.get('/records/opportunity/groups?by=stageId&measures=count,sum:amount'), 200);
    expect(board.totals).toMatchObject({ count: 1 });
    expect(board.groups).toEqual([expect.objectContaining({ value: s.id, count: 1 })]);
    // Hidden stage field: no stage history either.
    const hidden = await userWith(t, admin, { ...grants, opportunity: { read: 'all', deny: { read: ['stageId'] } } }, dept.id);
    expect((await hidden.client.get(`/records/opportunity/${mine.id}/stages`)).status).toBe(403);
  });
});

describe('sales tasks', () => {
  it('are checked, listed on the owner\'s workbench when due, and remind the owner once per planned time', async () => {
    const dept = await f.department();
    const grants = { employee: { read: 'all' }, customer: { read: 'all' }, salesTask: { create: 'own', read: 'own', edit: 'own' } } as const;
    const alice = await userWith(t, admin, grants, dept.id);
    const bob = await userWith(t, admin, grants, dept.id);
    const cust = await customer();
    const hour = 3_600_000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const task = (fields: Body, c: Client = alice.client) => c.post('/records/salesTask', { subject: `Call ${uid()}`, ownerId: alice.employee.id, customerId: cust.id, ...fields });
    expect(fieldsOf(await task({ type: 'email', plannedAt: at(hour) }))).toEqual([{ field: 'type', code: 'invalid_option' }]);
    expect(fieldsOf(await task({ plannedAt: at(hour), cost: '-5' }))).toEqual([{ field: 'cost', code: 'too_small' }]);
    expect(fieldsOf(await task({}))).toEqual([{ field: 'plannedAt', code: 'required' }]);
    const overdue = ok(await task({ type: 'visit', plannedAt: at(-2 * hour), phone: '138 0013 8000', cost: '35.50' }));
    const soon = ok(await task({ plannedAt: at(5 * 60_000) }));
    const later = ok(await task({ plannedAt: at(48 * hour) }));
    const done = ok(await task({ plannedAt: at(-hour), doneAt: at(-hour / 2), goalReached: true }));
    const bobs = ok(await task({ plannedAt: at(-hour), ownerId: bob.employee.id }, bob.client));
    const due = ok(await alice.client.get('/sales/tasks/due'), 200).items.map((x: Body) => x.id);
    expect(due).toContain(overdue.id);
    expect(due).toContain(soon.id);
    expect(due).not.toContain(done.id);
    expect(due).not.toContain(bobs.id);
    expect(due).not.toContain(later.id);
    expect(due.indexOf(overdue.id)).toBeLessThan(due.indexOf(soon.id));

    // Reminders: the overdue and the soon-due open tasks, once each.
    const em = t.services.db.orm.em.fork();
    const reminders = async (userId: string) =>
      query<{ dedupe_key: string; title: string; link: string }>(em, `select dedupe_key, title, link from notification where user_id = ? and kind = 'reminder' order by dedupe_key`, [userId]);
    await sendTaskReminders(t.services);
    const first = await reminders(alice.user.id);
    expect(first.map((r) => r.link).sort()).toEqual([`/records/salesTask/${overdue.id}`, `/records/salesTask/${soon.id}`].sort());
    expect(first.every((r) => r.title.startsWith('销售任务到期'))).toBe(true);
    expect(await sendTaskReminders(t.services)).toBe(0);
    // Moved to a new time that is due: reminded again; done: never.
    ok(await alice.client.patch(`/records/salesTask/${later.id}`, { plannedAt: at(60_000) }), 200);
    ok(await alice.client.patch(`/records/salesTask/${soon.id}`, { doneAt: at(0) }), 200);
    await sendTaskReminders(t.services);
    expect((await reminders(alice.user.id)).map((r) => r.link).sort()).toEqual([`/records/salesTask/${overdue.id}`, `/records/salesTask/${soon.id}`, `/records/salesTask/${later.id}`].sort());
    expect((await reminders(bob.user.id)).map((r) => r.link)).toEqual([`/records/salesTask/${bobs.id}`]);
  });
});

describe('card tabs', () => {
  it('an opportunity card lists its tasks, contracts and orders', async () => {
    const layout = ok(await admin.get('/meta/objects/opportunity/layout'), 200);
    const related = (layout.layout ?? layout).tabs.filter((tab: Body) => tab.kind === 'related').map((tab: Body) => `${tab.object}.${tab.via}`);
    expect(related).toEqual(expect.arrayContaining(['salesTask.opportunityId', 'contract.opportunityId', 'salesOrder.opportunityId']));
  });
});

describe('stage labels in the reader’s language', () => {
  it('English readers see the English stage name (the Chinese one where none is set), Chinese readers the Chinese one: records, lists, sorting, groups, exports', async () => {
    const cust = await customer();
    const prospecting = await stage('prospecting');
    // A stage named only in Chinese: English readers fall back to that name (empty counts as none).
    const plain = ok(await admin.post('/records/salesStage', { name: `仅中文${uid()}`, nameEn: '', probability: 5, sortOrder: 90 }));
    const a = await opportunity({ customerId: cust.id, stageId: prospecting.id });
    const b = await opportunity({ customerId: cust.id, stageId: plain.id });
    const rights = { opportunity: { read: 'all', export: 'all' }, salesStage: { read: 'all' }, customer: { read: 'all' } } as const;
    const english = await userWith(t, admin, rights);
    ok(await admin.patch(`/users/${english.user.id}`, { locale: 'en' }), 200);
    const chinese = await userWith(t, admin, rights);
    ok(await admin.patch(`/users/${chinese.user.id}`, { locale: 'zh-CN' }), 200);
    const filter = encodeURIComponent(JSON.stringify({ field: 'customerId', op: 'eq', value: cust.id }));

    const labels = async (c: Client, sort = 'name') =>
      (ok(await c.get(`/records/opportunity?filter=${filter}&sort=${sort}`), 200).items as Body[]).map((r) => [r.id, r._labels.stageId]);
    expect(ok(await english.client.get(`/records/opportunity/${a.id}`), 200)._labels.stageId).toBe('Prospecting');
    expect(ok(await chinese.client.get(`/records/opportunity/${a.id}`), 200)._labels.stageId).toBe('初步接洽');
    expect(await labels(english.client)).toEqual(expect.arrayContaining([[a.id, 'Prospecting'], [b.id, plain.name]]));
    expect(await labels(chinese.client)).toEqual(expect.arrayContaining([[a.id, '初步接洽'], [b.id, plain.name]]));
    // Sorting by the stage sorts by the label the reader sees: 'P…' before '仅…' in English, '仅…' before '初…' in Chinese.
    expect((await labels(english.client, 'stageId')).map(([id]) => id)).toEqual([a.id, b.id]);
    expect((await labels(chinese.client, 'stageId')).map(([id]) => id)).toEqual([b.id, a.id]);

    const groups = async (c: Client) =>
      (ok(await c.get(`/records/opportunity/groups?by=stageId&filter=${filter}`), 200).groups as Body[]).map((g) => [g.value, g.label, g.count]);
    expect(await groups(english.client)).toEqual([[prospecting.id, 'Prospecting', 1], [plain.id, plain.name, 1]]);
    expect(await groups(chinese.client)).toEqual([[plain.id, plain.name, 1], [prospecting.id, '初步接洽', 1]]);

    // A user who never chose a language reads in the browser's (Accept-Language), else in Chinese.
    const undecided = await userWith(t, admin, rights);
    const asBrowser = async (lang?: string) =>
      ((await t.request('GET', `/records/opportunity/${a.id}`, { cookie: undecided.client.cookie, headers: lang ? { 'accept-language': lang } : {} })).body as Body)._labels.stageId;
    expect(await asBrowser()).toBe('初步接洽');
    expect(await asBrowser('en-GB,en;q=0.9')).toBe('Prospecting');
    expect(await asBrowser('zh-CN,zh;q=0.9,en;q=0.5')).toBe('初步接洽');
    // A chosen language wins over the browser's.
    expect(((await t.request('GET', `/records/opportunity/${a.id}`, { cookie: chinese.client.cookie, headers: { 'accept-language': 'en' } })).body as Body)._labels.stageId).toBe('初步接洽');

    // An export writes the stage in the export's language.
    const exported = async (c: Client, locale: string) => {
      const res = await t.request('GET', `/records/opportunity/export?format=csv&columns=name,stageId&sort=name&filter=${filter}&locale=${locale}`, { cookie: c.cookie });
      expect(res.status).toBe(200);
      return String(res.body);
    };
    expect(await exported(chinese.client, 'en')).toContain('Prospecting');
    expect(await exported(english.client, 'zh-CN')).toContain('初步接洽');
    expect(await exported(english.client, 'zh-CN')).not.toContain('Prospecting');

    // The answer to a write is in the writer's language too.
    const writer = await userWith(t, admin, { ...rights, opportunity: { read: 'all', create: 'all', edit: 'all' } });
    ok(await admin.patch(`/users/${writer.user.id}`, { locale: 'en' }), 200);
    expect(ok(await writer.client.patch(`/records/opportunity/${a.id}`, { nextStep: 'Send the samples' }), 200)._labels.stageId).toBe('Prospecting');
    const made = ok(await writer.client.post('/records/opportunity', { name: `Opp ${uid()}`, customerId: cust.id, stageId: prospecting.id }));
    expect(made._labels.stageId).toBe('Prospecting');
    ok(await admin.patch(`/records/salesStage/${plain.id}`, { active: false }), 200);
  });
});
