import { randomBytes } from 'node:crypto';
import type { Client, TestApp } from './app';
import type { GroupPermissions } from '../../db/entities';

const uid = () => randomBytes(4).toString('hex');

function ok<T>(res: { status: number; body: T }, expected = 201): T {
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Factories make unique rows through the real API, so tests never depend on each other. */
export function factories(admin: Client) {
  return {
    async organisation(fields: Record<string, unknown> = {}) {
      return ok(await admin.post('/records/organisation', { name: `Org ${uid()}`, ...fields }));
    },
    async department(fields: Record<string, unknown> = {}) {
      const organisationId = fields.organisationId ?? (await this.organisation()).id;
      return ok(await admin.post('/records/department', { name: `Dept ${uid()}`, organisationId, ...fields }));
    },
    async employee(fields: Record<string, unknown> = {}) {
      return ok(await admin.post('/records/employee', { name: `Emp ${uid()}`, ...fields }));
    },
    async group(permissions: GroupPermissions, fields: Record<string, unknown> = {}) {
      return ok(await admin.post('/groups', { name: `Group ${uid()}`, permissions, ...fields }));
    },
    /** A user linked to an employee, in the given groups; returns its login and password. */
    async user(fields: { employeeId?: string | null; groupIds?: string[]; active?: boolean } = {}) {
      const login = `u${uid()}`;
      const password = `pw-${uid()}-${uid()}`;
      const user = ok(await admin.post('/users', { login, password, ...fields }));
      return { ...user, password };
    },
  };
}

/** Signs in as a fresh user with exactly these permissions, attached to an employee in `departmentId`. */
export async function userWith(t: TestApp, admin: Client, permissions: GroupPermissions, departmentId?: string) {
  const f = factories(admin);
  const group = await f.group(permissions);
  const employee = await f.employee(departmentId ? { departmentId } : {});
  const user = await f.user({ employeeId: employee.id, groupIds: [group.id] });
  const client = await t.login(user.login, user.password);
  return { client, user, employee, group };
}
