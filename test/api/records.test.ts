import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
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

const uid = () => randomBytes(4).toString('hex');
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

async function total(object: string) {
  const res = await admin.get(`/records/${object}?limit=1`);
  expect(res.status).toBe(200);
  return res.body.total as number;
}
async function opLogTotal() {
  const res = await admin.get('/logs/operations?limit=1');
  expect(res.status).toBe(200);
  return res.body.total as number;
}
/** Snapshot of what a rejected write must leave untouched. */
async function snapshot() {
  return { organisation: await total('organisation'), department: await total('department'), employee: await total('employee'), ops: await opLogTotal() };
}
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));

describe('CRUD', () => {
  it('creates, reads, updates and deletes an organisation, a department and an employee', async () => {
    const org = await admin.post('/records/organisation', { name: `Org ${uid()}`, kind: 'group', phone: '+86 21 5555 0000' });
    expect(org.status).toBe(201);
    expect(org.body).toMatchObject({ id: expect.any(String), kind: 'group', phone: '+86 21 5555 0000', parentId: null });
    const dept = await admin.post('/records/department', { name: `Dept ${uid()}`, organisationId: org.body.id, kind: 'sales' });
    expect(dept.status).toBe(201);
    expect(dept.body._labels.organisationId).toBe(org.body.name);
    const emp = await admin.post('/records/employee', { name: '张三', departmentId: dept.body.id, birthday: '1990-02-28', email: 'zs@example.com', gender: 'male' });
    expect(emp.status).toBe(201);
    expect(emp.body).toMatchObject({ name: '张三', departmentId: dept.body.id, birthday: '1990-02-28', email: 'zs@example.com', gender: 'male', category: 'fullTime', active: true });
    expect(emp.body._labels.departmentId).toBe(dept.body.name);
    expect(emp.body.createdAt).toBe(emp.body.updatedAt);

    const got = await admin.get(`/records/employee/${emp.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(emp.body);

    const upd = await admin.patch(`/records/employee/${emp.body.id}`, { name: '张三丰', birthday: null, mobile: '13800000000' });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: '张三丰', birthday: null, mobile: '13800000000', email: 'zs@example.com' });
    expect((await admin.get(`/records/employee/${emp.body.id}`)).body).toEqual(upd.body);

    const orgUpd = await admin.patch(`/records/organisation/${org.body.id}`, { address: '上海市' });
    expect(orgUpd.status).toBe(200);
    expect(orgUpd.body.address).toBe('上海市');

    for (const [object, id] of [['employee', emp.body.id], ['department', dept.body.id], ['organisation', org.body.id]]) {
      const del = await admin.del(`/records/${object}/${id}`);
      expect(del.status).toBe(200);
      expect(del.body).toEqual({ ok: true });
      expect((await admin.get(`/records/${object}/${id}`)).status).toBe(404);
      expect((await admin.del(`/records/${object}/${id}`)).status).toBe(404);
    }
  });

  it('requires required fields on create but not on update', async () => {
    const before = await snapshot();
    const res = await admin.post('/records/department', {});
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(expect.arrayContaining([{ field: 'name', code: 'required' }, { field: 'organisationId', code: 'required' }]));
    const blank = await admin.post('/records/employee', { name: '   ' });
    expect(blank.status).toBe(400);
    expect(fieldsOf(blank)).toEqual([{ field: 'name', code: 'required' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 for an unknown object', async () => {
    expect((await admin.get('/records/spaceship')).status).toBe(404);
    expect((await admin.get(`/records/spaceship/${randomUUID()}`)).status).toBe(404);
    const post = await admin.post('/records/spaceship', { name: 'x' });
    expect(post.status).toBe(404);
    expect(post.body.error.code).toBe('not_found');
    expect((await admin.get('/records/employee/not-a-uuid')).status).toBe(404);
  });

  it('needs a session', async () => {
    const res = await t.request('GET', '/records/employee');
    expect(res.status).toBe(401);
    const post = await t.request('POST', '/records/employee', { body: { name: 'x' } });
    expect(post.status).toBe(401);
  });
});

describe('codes', () => {
  it('numbers codes automatically per object', async () => {
    const e1 = await f.employee();
    const e2 = await f.employee();
    expect(e1.code).toMatch(/^E\d{4}$/);
    expect(Number(e2.code.slice(1))).toBe(Number(e1.code.slice(1)) + 1);
    expect((await f.organisation()).code).toMatch(/^ORG\d{3}$/);
    expect((await f.department()).code).toMatch(/^D\d{3}$/);
  });

  it('skips a code someone typed by hand', async () => {
    const e1 = await f.employee();
    const next = `E${String(Number(e1.code.slice(1)) + 1).padStart(4, '0')}`;
    await f.employee({ code: next });
    const e3 = await f.employee();
    expect(e3.code).toBe(`E${String(Number(e1.code.slice(1)) + 2).padStart(4, '0')}`);
  });

  it('rejects a duplicate code with not_unique and writes nothing', async () => {
    const e1 = await f.employee({ code: `X-${uid()}` });
    const e2 = await f.employee();
    const before = await snapshot();
    const dup = await admin.post('/records/employee', { name: 'Dup', code: e1.code });
    expect(dup.status).toBe(400);
    expect(fieldsOf(dup)).toEqual([{ field: 'code', code: 'not_unique' }]);
    const patch = await admin.patch(`/records/employee/${e2.id}`, { code: e1.code });
    expect(patch.status).toBe(400);
    expect(fieldsOf(patch)).toEqual([{ field: 'code', code: 'not_unique' }]);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/employee/${e2.id}`)).body.code).toBe(e2.code);
  });
});

describe('validation', () => {
  it('rejects malformed JSON with 400 naming body', async () => {
    const before = await snapshot();
    const res = await t.request('POST', '/records/employee', { rawBody: '{"name": "x",', cookie: admin.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fieldsOf(res)).toEqual([{ field: 'body', code: 'invalid_format' }]);
    for (const rawBody of ['[]', '"text"', 'null']) {
      const r = await t.request('POST', '/records/employee', { rawBody, cookie: admin.cookie });
      expect(r.status).toBe(400);
      expect(fieldsOf(r)[0].field).toBe('body');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('names every field of the wrong type and writes nothing', async () => {
    const before = await snapshot();
    const res = await admin.post('/records/employee', { name: 123, birthday: '2020-13-01', email: 'x', gender: 'robot', departmentId: 'not-a-uuid', active: 'yes', mobile: 'call me' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fieldsOf(res)).toEqual(
      expect.arrayContaining([
        { field: 'name', code: 'invalid_type' },
        { field: 'birthday', code: 'invalid_format' },
        { field: 'email', code: 'invalid_format' },
        { field: 'gender', code: 'invalid_option' },
        { field: 'departmentId', code: 'invalid_format' },
        { field: 'active', code: 'invalid_type' },
        { field: 'mobile', code: 'invalid_format' },
      ]),
    );
    expect(fieldsOf(res)).toHaveLength(7);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['name', 123, 'invalid_type'],
    ['birthday', '2020-13-01', 'invalid_format'],
    ['birthday', '2021-02-29', 'invalid_format'],
    ['email', 'x', 'invalid_format'],
    ['gender', 'robot', 'invalid_option'],
    ['departmentId', 'not-a-uuid', 'invalid_format'],
    ['name', 'x'.repeat(101), 'too_long'],
  ])('rejects %s = %j with %s on create and update', async (field, value, code) => {
    const emp = await f.employee();
    const before = await snapshot();
    const create = await admin.post('/records/employee', { name: 'Valid name', [field]: value });
    expect(create.status).toBe(400);
    expect(fieldsOf(create)).toEqual([{ field, code }]);
    const update = await admin.patch(`/records/employee/${emp.id}`, { [field]: value });
    expect(update.status).toBe(400);
    expect(fieldsOf(update)).toEqual([{ field, code }]);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/employee/${emp.id}`)).body).toEqual(emp);
  });

  it('rejects a reference to a record that does not exist', async () => {
    const emp = await f.employee();
    const before = await snapshot();
    const create = await admin.post('/records/employee', { name: 'Ghost dept', departmentId: randomUUID() });
    expect(create.status).toBe(400);
    expect(fieldsOf(create)).toEqual([{ field: 'departmentId', code: 'invalid_reference' }]);
    const update = await admin.patch(`/records/employee/${emp.id}`, { departmentId: randomUUID() });
    expect(update.status).toBe(400);
    expect(fieldsOf(update)).toEqual([{ field: 'departmentId', code: 'invalid_reference' }]);
    const dept = await admin.post('/records/department', { name: 'Ghost org', organisationId: randomUUID() });
    expect(dept.status).toBe(400);
    expect(fieldsOf(dept)).toEqual([{ field: 'organisationId', code: 'invalid_reference' }]);
    expect(await snapshot()).toEqual(before);
  });

  it('rejects unknown and protected keys instead of dropping them', async () => {
    const emp = await f.employee();
    const before = await snapshot();
    const unknown = await admin.post('/records/employee', { name: 'X', salary: 1000 });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toEqual([{ field: 'salary', code: 'unknown_field' }]);
    const prot = await admin.post('/records/employee', { name: 'X', id: randomUUID(), createdAt: '2020-01-01T00:00:00Z' });
    expect(prot.status).toBe(400);
    expect(fieldsOf(prot)).toEqual(expect.arrayContaining([{ field: 'id', code: 'protected_field' }, { field: 'createdAt', code: 'protected_field' }]));
    expect(fieldsOf(prot)).toHaveLength(2);
    for (const body of [{ id: randomUUID() }, { createdAt: '2020-01-01T00:00:00Z' }, { updatedAt: '2020-01-01T00:00:00Z' }, { createdBy: randomUUID() }]) {
      const res = await admin.patch(`/records/employee/${emp.id}`, body);
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual([{ field: Object.keys(body)[0], code: 'protected_field' }]);
    }
    const unk = await admin.patch(`/records/employee/${emp.id}`, { salary: 1 });
    expect(fieldsOf(unk)).toEqual([{ field: 'salary', code: 'unknown_field' }]);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/employee/${emp.id}`)).body).toEqual(emp);
  });
});

describe('department tree', () => {
  it('refuses a parent that would make a cycle', async () => {
    const d1 = await f.department();
    const d2 = await f.department({ organisationId: d1.organisationId, parentId: d1.id });
    const d3 = await f.department({ organisationId: d1.organisationId, parentId: d2.id });
    const before = await snapshot();
    const deep = await admin.patch(`/records/department/${d1.id}`, { parentId: d3.id });
    expect(deep.status).toBe(400);
    expect(fieldsOf(deep)).toEqual([{ field: 'parentId', code: 'cycle' }]);
    const self = await admin.patch(`/records/department/${d1.id}`, { parentId: d1.id });
    expect(self.status).toBe(400);
    expect(fieldsOf(self)).toEqual([{ field: 'parentId', code: 'cycle' }]);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/department/${d1.id}`)).body.parentId).toBeNull();
    // Moving a leaf elsewhere in the tree is fine.
    const ok = await admin.patch(`/records/department/${d3.id}`, { parentId: d1.id });
    expect(ok.status).toBe(200);
    expect(ok.body.parentId).toBe(d1.id);
  });

  it('refuses to delete a department that still has employees (409)', async () => {
    const dept = await f.department();
    const emp = await f.employee({ departmentId: dept.id });
    const before = await snapshot();
    const res = await admin.del(`/records/department/${dept.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/department/${dept.id}`)).status).toBe(200);
    // Once empty it can go.
    expect((await admin.del(`/records/employee/${emp.id}`)).status).toBe(200);
    expect((await admin.del(`/records/department/${dept.id}`)).status).toBe(200);
  });

  it('refuses to delete a department with sub-departments, or an organisation with departments (409)', async () => {
    const parent = await f.department();
    await f.department({ organisationId: parent.organisationId, parentId: parent.id });
    const parentOrg = await f.organisation();
    await f.organisation({ parentId: parentOrg.id });
    const before = await snapshot();
    const res = await admin.del(`/records/department/${parent.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', details: { fields: [{ field: 'id', code: 'in_use' }] } });
    const org = await admin.del(`/records/organisation/${parent.organisationId}`);
    expect(org.status).toBe(409);
    expect(org.body.error.code).toBe('conflict');
    const orgTree = await admin.del(`/records/organisation/${parentOrg.id}`);
    expect(orgTree.status).toBe(409);
    expect(orgTree.body.error.code).toBe('conflict');
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/department/${parent.id}`)).status).toBe(200);
  });
});

describe('list', () => {
  // One small world of its own: name marker m keeps other tests' rows out of every assertion.
  const m = `zq${uid()}`;
  let top: Record<string, any>, c1: Record<string, any>, c2: Record<string, any>, other: Record<string, any>;
  let e1: Record<string, any>, e2: Record<string, any>, e3: Record<string, any>, e4: Record<string, any>;
  const mine = { field: 'name', op: 'contains', value: m };
  const list = async (params: string) => {
    const res = await admin.get(`/records/employee?${params}`);
    expect(res.status).toBe(200);
    return res.body as { items: Record<string, any>[]; total: number };
  };
  const ids = (items: Record<string, any>[]) => items.map((i) => i.id as string);
  const where = (filter: unknown, rest = '') => list(`filter=${enc(filter)}&limit=500${rest}`);

  beforeAll(async () => {
    top = await f.department();
    c1 = await f.department({ organisationId: top.organisationId, parentId: top.id });
    c2 = await f.department({ organisationId: top.organisationId, parentId: c1.id });
    other = await f.department();
    e1 = await f.employee({ name: `${m} 张三`, departmentId: c1.id, birthday: '1990-05-01', gender: 'male', email: `${m}-a@example.com` });
    e2 = await f.employee({ name: `${m} 李四`, departmentId: c2.id, birthday: '1985-01-15', gender: 'female' });
    e3 = await f.employee({ name: `${m} 王五`, departmentId: top.id, birthday: '2000-12-31', gender: 'male', category: 'intern' });
    e4 = await f.employee({ name: `${m} 张伟`, departmentId: other.id, birthday: '1995-07-07', gender: 'other' });
  });

  it('filters with eq, contains, in and between', async () => {
    expect(ids((await where({ and: [mine, { field: 'gender', op: 'eq', value: 'male' }] }, '&sort=birthday')).items)).toEqual([e1.id, e3.id]);
    expect(ids((await where({ and: [mine, { field: 'gender', op: 'in', value: ['female', 'other'] }] }, '&sort=birthday')).items)).toEqual([e2.id, e4.id]);
    expect(ids((await where({ and: [mine, { field: 'birthday', op: 'between', value: ['1989-01-01', '1996-01-01'] }] }, '&sort=birthday')).items)).toEqual([e1.id, e4.id]);
    expect(ids((await where({ field: 'name', op: 'contains', value: `${m} 李` })).items)).toEqual([e2.id]);
    expect(ids((await where({ field: 'id', op: 'eq', value: e3.id })).items)).toEqual([e3.id]);
  });

  it('combines and/or', async () => {
    const filter = { and: [mine, { or: [{ field: 'gender', op: 'eq', value: 'female' }, { field: 'category', op: 'eq', value: 'intern' }] }] };
    const res = await where(filter, '&sort=birthday');
    expect(ids(res.items)).toEqual([e2.id, e3.id]);
    expect(res.total).toBe(2);
  });

  it('finds a department subtree with under', async () => {
    const under = await where({ and: [mine, { field: 'departmentId', op: 'under', value: top.id }] }, '&sort=birthday');
    expect(ids(under.items)).toEqual([e2.id, e1.id, e3.id]);
    const sub = await where({ and: [mine, { field: 'departmentId', op: 'under', value: c1.id }] }, '&sort=birthday');
    expect(ids(sub.items)).toEqual([e2.id, e1.id]);
    const depts = await admin.get(`/records/department?filter=${enc({ field: 'id', op: 'under', value: top.id })}&sort=code`);
    expect(ids(depts.body.items).sort()).toEqual([top.id, c1.id, c2.id].sort());
  });

  it('sorts ascending and descending and pages with a total', async () => {
    const asc = await where(mine, '&sort=birthday');
    expect(ids(asc.items)).toEqual([e2.id, e1.id, e4.id, e3.id]);
    const desc = await where(mine, '&sort=-birthday');
    expect(ids(desc.items)).toEqual([e3.id, e4.id, e1.id, e2.id]);
    const page1 = await list(`filter=${enc(mine)}&sort=birthday&limit=2&offset=0`);
    const page2 = await list(`filter=${enc(mine)}&sort=birthday&limit=2&offset=2`);
    const page3 = await list(`filter=${enc(mine)}&sort=birthday&limit=2&offset=4`);
    expect(ids(page1.items)).toEqual([e2.id, e1.id]);
    expect(ids(page2.items)).toEqual([e4.id, e3.id]);
    expect(page3.items).toEqual([]);
    expect([page1.total, page2.total, page3.total]).toEqual([4, 4, 4]);
    // Sorting by a relation sorts by its label.
    const byDept = await where(mine, '&sort=-departmentId,birthday');
    expect(byDept.items.map((i) => i._labels.departmentId)).toEqual([...byDept.items.map((i) => i._labels.departmentId)].sort().reverse());
  });

  it('quick-searches Chinese substrings and e-mail addresses', async () => {
    const zhang = await list(`q=${encodeURIComponent('张')}&filter=${enc(mine)}&sort=birthday`);
    expect(ids(zhang.items)).toEqual([e1.id, e4.id]);
    expect(zhang.total).toBe(2);
    const mail = await list(`q=${encodeURIComponent(`${m}-a@example.com`)}`);
    expect(ids(mail.items)).toEqual([e1.id]);
    // LIKE wildcards are literal characters in q.
    expect((await list(`q=${encodeURIComponent(`${m}%`)}`)).total).toBe(0);
  });

  it('rejects unknown fields, unknown operators and bad values with 400', async () => {
    const cases: [unknown, string, string][] = [
      [{ field: 'salary', op: 'eq', value: 1 }, 'filter.field', 'unknown_field'],
      [{ field: 'name', op: 'regex', value: '.*' }, 'filter.op', 'invalid_option'],
      [{ field: 'birthday', op: 'contains', value: '19' }, 'filter.op', 'invalid_option'],
      [{ field: 'name', op: 'under', value: top.id }, 'filter.op', 'invalid_option'],
      [{ and: [mine, { field: 'nope', op: 'eq', value: 1 }] }, 'filter.1.field', 'unknown_field'],
      [{ field: 'birthday', op: 'between', value: ['1990-01-01'] }, 'filter.value', 'invalid_type'],
      [{ field: 'birthday', op: 'eq', value: '1990-02-30' }, 'filter.value', 'invalid_type'],
      [{ field: 'departmentId', op: 'eq', value: "x' or 1=1 --" }, 'filter.value', 'invalid_type'],
    ];
    for (const [filter, field, code] of cases) {
      const res = await admin.get(`/records/employee?filter=${enc(filter)}`);
      expect(res.status, JSON.stringify(filter)).toBe(400);
      expect(fieldsOf(res)).toEqual([{ field, code }]);
    }
    const malformed = await admin.get(`/records/employee?filter=${encodeURIComponent('{"field":')}`);
    expect(malformed.status).toBe(400);
    expect(fieldsOf(malformed)).toEqual([{ field: 'filter', code: 'invalid_format' }]);
    const sort = await admin.get('/records/employee?sort=salary');
    expect(sort.status).toBe(400);
    expect(fieldsOf(sort)).toEqual([{ field: 'sort', code: 'unknown_field' }]);
    const limit = await admin.get('/records/employee?limit=0');
    expect(limit.status).toBe(400);
    expect(fieldsOf(limit)).toEqual([{ field: 'query.limit', code: 'too_small' }]);
  });
});

describe('superior', () => {
  let parent: Record<string, any>, child: Record<string, any>, grandchild: Record<string, any>;
  let boss: Record<string, any>, childManager: Record<string, any>;

  beforeAll(async () => {
    parent = await f.department();
    child = await f.department({ organisationId: parent.organisationId, parentId: parent.id });
    grandchild = await f.department({ organisationId: parent.organisationId, parentId: child.id });
    boss = await f.employee({ departmentId: parent.id });
    childManager = await f.employee({ departmentId: child.id });
    expect((await admin.patch(`/records/department/${parent.id}`, { managerId: boss.id })).status).toBe(200);
    expect((await admin.patch(`/records/department/${child.id}`, { managerId: childManager.id })).status).toBe(200);
  });
  const superior = async (id: string) => {
    const res = await admin.get(`/org/employees/${id}/superior`);
    expect(res.status).toBe(200);
    return res.body.superior as Record<string, any> | null;
  };

  it("is the own department's manager", async () => {
    const e = await f.employee({ departmentId: child.id });
    expect((await superior(e.id))?.id).toBe(childManager.id);
  });

  it("climbs to the nearest manager when the department has none", async () => {
    const e = await f.employee({ departmentId: grandchild.id });
    expect((await superior(e.id))?.id).toBe(childManager.id);
    const lonely = await f.department({ organisationId: parent.organisationId, parentId: parent.id });
    const e2 = await f.employee({ departmentId: lonely.id });
    expect((await superior(e2.id))?.id).toBe(boss.id);
  });

  it("of a department manager is the parent department's manager", async () => {
    expect((await superior(childManager.id))?.id).toBe(boss.id);
  });

  it('is null at the top and for employees without a department; unknown ids answer 404', async () => {
    expect(await superior(boss.id)).toBeNull();
    expect(await superior((await f.employee()).id)).toBeNull();
    expect((await admin.get(`/org/employees/${randomUUID()}/superior`)).status).toBe(404);
  });
});
