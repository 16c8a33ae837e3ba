import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app';
import { factories, userWith } from '../helpers/factories';

let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factories>;

// The world: department A with sub-department A1, and an unrelated department B.
let A: Record<string, any>, A1: Record<string, any>, B: Record<string, any>;
let eA: Record<string, any>, eA1: Record<string, any>, eB: Record<string, any>;

const uid = () => randomBytes(4).toString('hex');
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const fieldsOf = (res: { body: { error: { details: { fields: { field: string; code: string }[] } } } }) =>
  res.body.error.details.fields.map(({ field, code }) => ({ field, code }));

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
  f = factories(admin);
  A = await f.department();
  A1 = await f.department({ organisationId: A.organisationId, parentId: A.id });
  B = await f.department();
  eA = await f.employee({ departmentId: A.id, mobile: `139${Date.now() % 100_000_000}`.padEnd(11, '0') });
  eA1 = await f.employee({ departmentId: A1.id, mobile: '13700000001' });
  eB = await f.employee({ departmentId: B.id, mobile: '13600000002' });
});
afterAll(async () => t?.close());

async function snapshot() {
  const emp = await admin.get('/records/employee?limit=1');
  const ops = await admin.get('/logs/operations?limit=1');
  return { employees: emp.body.total as number, ops: ops.body.total as number };
}
const adminView = async (id: string) => (await admin.get(`/records/employee/${id}`)).body;
async function listAll(c: Client, params = '') {
  const res = await c.get(`/records/employee?limit=500${params}`);
  expect(res.status).toBe(200);
  expect(res.body.items).toHaveLength(res.body.total);
  return res.body as { items: Record<string, any>[]; total: number };
}

describe("department level: read/edit employees of A and its sub-departments", () => {
  let staff: Client;
  let own: Record<string, any>;
  beforeAll(async () => {
    const u = await userWith(t, admin, { employee: { read: 'department', edit: 'department' }, department: { read: 'all' } }, A.id);
    staff = u.client;
    own = u.employee;
  });

  it('lists exactly the employees of A and A1', async () => {
    const { items } = await listAll(staff);
    const ids = items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([eA.id, eA1.id, own.id]));
    expect(ids).not.toContain(eB.id);
    for (const item of items) expect([A.id, A1.id]).toContain(item.departmentId);
    // Filtering for B cannot widen the scope.
    const forB = await listAll(staff, `&filter=${enc({ field: 'departmentId', op: 'eq', value: B.id })}`);
    expect(forB.total).toBe(0);
    const q = await listAll(staff, `&q=${encodeURIComponent(eB.name)}`);
    expect(q.total).toBe(0);
  });

  it('gets and updates employees of A and A1', async () => {
    for (const e of [eA, eA1]) expect((await staff.get(`/records/employee/${e.id}`)).body.id).toBe(e.id);
    const res = await staff.patch(`/records/employee/${eA1.id}`, { extension: '8001' });
    expect(res.status).toBe(200);
    expect((await adminView(eA1.id)).extension).toBe('8001');
  });

  it("answers 404 for B's employee exactly as for an id that does not exist, and writes nothing", async () => {
    const before = await snapshot();
    const beforeB = await adminView(eB.id);
    const get = await staff.get(`/records/employee/${eB.id}`);
    const ghost = await staff.get(`/records/employee/${randomUUID()}`);
    expect(get.status).toBe(404);
    expect(ghost.status).toBe(404);
    expect(get.body).toEqual(ghost.body);
    const patch = await staff.patch(`/records/employee/${eB.id}`, { extension: '9999' });
    const ghostPatch = await staff.patch(`/records/employee/${randomUUID()}`, { extension: '9999' });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual(ghostPatch.body);
    const del = await staff.del(`/records/employee/${eB.id}`);
    const ghostDel = await staff.del(`/records/employee/${randomUUID()}`);
    expect(del.status).toBe(404);
    expect(del.body).toEqual(ghostDel.body);
    expect((await staff.get(`/org/employees/${eB.id}/superior`)).status).toBe(404);
    expect(await adminView(eB.id)).toEqual(beforeB);
    expect(await snapshot()).toEqual(before);
  });

  it('may not delete what it can read without delete rights (403)', async () => {
    const before = await snapshot();
    const res = await staff.del(`/records/employee/${eA.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await admin.get(`/records/employee/${eA.id}`)).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('may not move an employee out of its department (out_of_scope)', async () => {
    const before = await snapshot();
    const res = await staff.patch(`/records/employee/${eA1.id}`, { departmentId: B.id });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'departmentId', code: 'out_of_scope' }]);
    expect((await adminView(eA1.id)).departmentId).toBe(A1.id);
    expect(await snapshot()).toEqual(before);
    // Within the subtree is fine.
    const within = await staff.patch(`/records/employee/${eA1.id}`, { departmentId: A.id });
    expect(within.status).toBe(200);
    expect((await staff.patch(`/records/employee/${eA1.id}`, { departmentId: A1.id })).status).toBe(200);
  });

  it('may not create at all without create rights (403)', async () => {
    const before = await snapshot();
    const res = await staff.post('/records/employee', { name: `Nope ${uid()}`, departmentId: A.id });
    expect(res.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});

describe('other levels', () => {
  it("'own' sees only the user's own employee record", async () => {
    const { client, employee } = await userWith(t, admin, { employee: { read: 'own' } }, A.id);
    const { items, total } = await listAll(client);
    expect(total).toBe(1);
    expect(items[0].id).toBe(employee.id);
    expect((await client.get(`/records/employee/${employee.id}`)).status).toBe(200);
    expect((await client.get(`/records/employee/${eA.id}`)).status).toBe(404);
  });

  it("'none' cannot list (403) nor get (404)", async () => {
    const { client, employee } = await userWith(t, admin, { employee: { read: 'none' }, department: { read: 'all' } }, A.id);
    const list = await client.get('/records/employee');
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('forbidden');
    expect((await client.get(`/records/employee/${employee.id}`)).status).toBe(404);
    expect((await client.get('/records/organisation')).status).toBe(403);
    expect((await client.get('/records/department')).status).toBe(200);
  });

  it('unites the rights of all groups of a user', async () => {
    const g1 = await f.group({ employee: { read: 'department', deny: { read: ['mobile'] } } });
    const g2 = await f.group({ employee: { read: 'all' } });
    const emp = await f.employee({ departmentId: A.id });
    const user = await f.user({ employeeId: emp.id, groupIds: [g1.id, g2.id] });
    const c = await t.login(user.login, user.password);
    const got = await c.get(`/records/employee/${eB.id}`);
    expect(got.status).toBe(200);
    // g2 grants read without denying mobile, so mobile is visible.
    expect(got.body.mobile).toBe(eB.mobile);
    expect((await listAll(c)).items.map((i) => i.id)).toContain(eB.id);
    // Alone, g1 would not show B.
    const only1 = await f.user({ employeeId: (await f.employee({ departmentId: A.id })).id, groupIds: [g1.id] });
    expect((await (await t.login(only1.login, only1.password)).get(`/records/employee/${eB.id}`)).status).toBe(404);
  });

  it("the built-in Staff group reads its department and edits only its own card", async () => {
    const groups = (await admin.get('/groups')).body.items as { id: string; builtin: string | null }[];
    const staffGroup = groups.find((g) => g.builtin === 'staff')!;
    const emp = await f.employee({ departmentId: A.id });
    const user = await f.user({ employeeId: emp.id, groupIds: [staffGroup.id] });
    const c = await t.login(user.login, user.password);
    expect((await c.patch(`/records/employee/${emp.id}`, { extension: '7001' })).status).toBe(200);
    const before = await snapshot();
    const colleague = await c.patch(`/records/employee/${eA.id}`, { extension: '7002' });
    expect(colleague.status).toBe(403);
    expect((await c.get(`/records/employee/${eB.id}`)).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('the built-in Staff group keeps its own customers, may not set their credit limit, and Managers see the department', async () => {
    const groups = (await admin.get('/groups')).body.items as { id: string; builtin: string | null }[];
    const groupOf = (b: string) => groups.find((g) => g.builtin === b)!.id;
    const mkUser = async (builtin: string) => {
      const emp = await f.employee({ departmentId: A.id });
      const user = await f.user({ employeeId: emp.id, groupIds: [groupOf(builtin)] });
      return { emp, c: await t.login(user.login, user.password) };
    };
    const seller = await mkUser('staff');
    const other = await mkUser('staff');
    const manager = await mkUser('managers');
    const mine = await seller.c.post('/records/customer', { name: `Own ${uid()}` });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.ownerId).toBe(seller.emp.id);
    expect((await other.c.get(`/records/customer/${mine.body.id}`)).status).toBe(404);
    expect((await manager.c.get(`/records/customer/${mine.body.id}`)).status).toBe(200);
    const limit = await seller.c.patch(`/records/customer/${mine.body.id}`, { creditLimit: '1000000' });
    expect(limit.status).toBe(400);
    expect(fieldsOf(limit)).toEqual([{ field: 'creditLimit', code: 'protected_field' }]);
    expect((await manager.c.patch(`/records/customer/${mine.body.id}`, { creditLimit: '50000' })).status).toBe(200);
    // Reference lists are read by everybody, maintained by administrators.
    expect((await seller.c.get('/records/product')).status).toBe(200);
    expect((await seller.c.post('/records/product', { name: `P ${uid()}` })).status).toBe(403);
  });
});

describe('field-level deny', () => {
  it('read deny hides the field from get and list and refuses to filter, sort or search on it', async () => {
    const { client } = await userWith(t, admin, { employee: { read: 'all', edit: 'all', deny: { read: ['mobile'] } } }, A.id);
    const got = await client.get(`/records/employee/${eA.id}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe(eA.name);
    expect(got.body).not.toHaveProperty('mobile');
    const { items } = await listAll(client);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).not.toHaveProperty('mobile');

    const filter = await client.get(`/records/employee?filter=${enc({ field: 'mobile', op: 'eq', value: eA.mobile })}`);
    expect(filter.status).toBe(400);
    expect(fieldsOf(filter)).toEqual([{ field: 'filter.field', code: 'unknown_field' }]);
    const sort = await client.get('/records/employee?sort=-mobile');
    expect(sort.status).toBe(400);
    expect(fieldsOf(sort)).toEqual([{ field: 'sort', code: 'unknown_field' }]);
    // Quick search must not find a record by the hidden value (admin does).
    expect((await admin.get(`/records/employee?q=${eA.mobile}`)).body.total).toBe(1);
    expect((await client.get(`/records/employee?q=${eA.mobile}`)).body.total).toBe(0);
    // Nor may a write answer with it.
    const patched = await client.patch(`/records/employee/${eA.id}`, { extension: '6001' });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('mobile');
    const meta = await client.get('/meta/objects/employee');
    expect(meta.body.fields.map((x: { name: string }) => x.name)).not.toContain('mobile');
  });

  it('edit deny rejects the field with protected_field and writes nothing', async () => {
    const { client } = await userWith(t, admin, { employee: { read: 'all', edit: 'all', create: 'all', deny: { edit: ['mobile'] } } }, A.id);
    const before = await snapshot();
    const beforeA = await adminView(eA.id);
    const res = await client.patch(`/records/employee/${eA.id}`, { mobile: '13511112222', extension: '5001' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'mobile', code: 'protected_field' }]);
    const create = await client.post('/records/employee', { name: `X ${uid()}`, mobile: '13511112222' });
    expect(create.status).toBe(400);
    expect(fieldsOf(create)).toEqual([{ field: 'mobile', code: 'protected_field' }]);
    expect(await adminView(eA.id)).toEqual(beforeA);
    expect(await snapshot()).toEqual(before);
    // The field stays readable.
    expect((await client.get(`/records/employee/${eA.id}`)).body.mobile).toBe(eA.mobile);
  });
});

describe('create scope', () => {
  it("'department' create may not place an employee in another department (out_of_scope)", async () => {
    const { client } = await userWith(t, admin, { employee: { read: 'department', create: 'department' }, department: { read: 'all' } }, A.id);
    const name = `Outsider ${uid()}`;
    const before = await snapshot();
    const res = await client.post('/records/employee', { name, departmentId: B.id });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'departmentId', code: 'out_of_scope' }]);
    const noDept = await client.post('/records/employee', { name });
    expect(noDept.status).toBe(400);
    expect(fieldsOf(noDept)).toEqual([{ field: 'departmentId', code: 'out_of_scope' }]);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get(`/records/employee?q=${encodeURIComponent(name)}`)).body.total).toBe(0);
    // Inside the subtree it works.
    const ok = await client.post('/records/employee', { name, departmentId: A1.id });
    expect(ok.status).toBe(201);
    expect(ok.body.departmentId).toBe(A1.id);
  });
});

describe('users, groups and logs', () => {
  it('changing group membership needs group edit rights (protected_field)', async () => {
    const { client } = await userWith(t, admin, { user: { read: 'all', edit: 'all' } }, A.id);
    const target = await f.user();
    const group = await f.group({});
    const before = await snapshot();
    const res = await client.patch(`/users/${target.id}`, { groupIds: [group.id] });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'groupIds', code: 'protected_field' }]);
    expect((await admin.get(`/users/${target.id}`)).body.groupIds).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // Other user fields it may edit.
    const ok = await client.patch(`/users/${target.id}`, { locale: 'en' });
    expect(ok.status).toBe(200);
    expect(ok.body.locale).toBe('en');
  });

  it('a non-admin cannot list users or purge logs', async () => {
    const { client } = await userWith(t, admin, { employee: { read: 'department' }, operationLog: { read: 'all', delete: 'all' }, loginLog: { read: 'all', delete: 'all' } }, A.id);
    const users = await client.get('/users');
    expect(users.status).toBe(403);
    expect(users.body.error.code).toBe('forbidden');
    expect((await client.get(`/users/${(await f.user()).id}`)).status).toBe(403);
    const before = await snapshot();
    const logins = (await admin.get('/logs/logins?limit=1')).body.total;
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const ops = await client.del(`/logs/operations?before=${encodeURIComponent(future)}`);
    expect(ops.status).toBe(403);
    expect(ops.body.error.code).toBe('forbidden');
    const lg = await client.del(`/logs/logins?before=${encodeURIComponent(future)}`);
    expect(lg.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await admin.get('/logs/logins?limit=1')).body.total).toBe(logins);
  });

  it('built-in groups exist and cannot be deleted (409)', async () => {
    const groups = (await admin.get('/groups')).body.items as { id: string; name: string; builtin: string | null }[];
    const builtin = groups.filter((g) => g.builtin).map((g) => [g.builtin, g.name]);
    expect(builtin.sort()).toEqual([
      ['administrators', 'Administrators'],
      ['managers', 'Managers'],
      ['staff', 'Staff'],
    ]);
    for (const g of groups.filter((x) => x.builtin)) {
      const res = await admin.del(`/groups/${g.id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect((await admin.get(`/groups/${g.id}`)).status).toBe(200);
    }
    // An ordinary group can be deleted.
    const g = await f.group({});
    expect((await admin.del(`/groups/${g.id}`)).status).toBe(200);
    expect((await admin.get(`/groups/${g.id}`)).status).toBe(404);
  });

  it("the Administrators group's permissions cannot be changed", async () => {
    const groups = (await admin.get('/groups')).body.items as { id: string; builtin: string | null; permissions: unknown }[];
    const admins = groups.find((g) => g.builtin === 'administrators')!;
    const res = await admin.patch(`/groups/${admins.id}`, { permissions: { employee: { read: 'none' } } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: 'permissions', code: 'protected_field' }]);
    expect((await admin.get(`/groups/${admins.id}`)).body.permissions).toEqual(admins.permissions);
  });

  it('group permissions may only name known objects, fields and levels', async () => {
    const count = async () => (await admin.get('/groups')).body.total;
    const before = await count();
    const unknownObject = await admin.post('/groups', { name: `G ${uid()}`, permissions: { spaceship: { read: 'all' } } });
    expect(unknownObject.status).toBe(400);
    expect(fieldsOf(unknownObject)).toEqual([{ field: 'permissions.spaceship', code: 'unknown_field' }]);
    const unknownField = await admin.post('/groups', { name: `G ${uid()}`, permissions: { employee: { read: 'all', deny: { read: ['salary'] } } } });
    expect(unknownField.status).toBe(400);
    expect(fieldsOf(unknownField)).toEqual([{ field: 'permissions.employee.deny.read', code: 'unknown_field' }]);
    const badLevel = await admin.post('/groups', { name: `G ${uid()}`, permissions: { employee: { read: 'everything' } } });
    expect(badLevel.status).toBe(400);
    expect(fieldsOf(badLevel)).toEqual([{ field: 'permissions.employee.read', code: 'invalid_option' }]);
    const g = await f.group({});
    const patch = await admin.patch(`/groups/${g.id}`, { permissions: { spaceship: { read: 'all' } } });
    expect(patch.status).toBe(400);
    expect((await admin.get(`/groups/${g.id}`)).body.permissions).toEqual({});
    expect(await count()).toBe(before + 1);
  });
});

describe('scope fields of own-level editors', () => {
  it('someone who may edit only their own card cannot move it to another department', async () => {
    const depA = await f.department();
    const depB = await f.department();
    const { client, employee } = await userWith(t, admin, { employee: { read: 'department', edit: 'own' } }, depA.id);
    const res = await client.patch(`/records/employee/${employee.id}`, { departmentId: depB.id });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([{ field: 'departmentId', code: 'protected_field' }]);
    expect((await admin.get(`/records/employee/${employee.id}`)).body.departmentId).toBe(depA.id);
    // Their own other fields stay editable.
    expect((await client.patch(`/records/employee/${employee.id}`, { mobile: '13900001111' })).status).toBe(200);
  });
});

describe('relations to records the writer may not see', () => {
  it('linking a department the user cannot read answers invalid_reference, like an unknown id, and writes nothing', async () => {
    const { client, employee } = await userWith(t, admin, { employee: { read: 'department', edit: 'department' }, department: { read: 'own' } }, A.id);
    const before = await snapshot();
    const hidden = await client.patch(`/records/employee/${employee.id}`, { departmentId: B.id });
    const unknown = await client.patch(`/records/employee/${employee.id}`, { departmentId: randomUUID() });
    expect(hidden.status).toBe(400);
    expect(hidden.body).toEqual(unknown.body);
    expect(fieldsOf(hidden)).toEqual([{ field: 'departmentId', code: 'invalid_reference' }]);
    expect(await snapshot()).toEqual(before);
  });
});
