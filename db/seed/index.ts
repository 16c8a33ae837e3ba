import type { Services } from '../../server/context';
import { loadPrincipal } from '../../server/auth/principal';
import { createRecord, updateRecord, type WriteContext } from '../../server/records/service';
import { createUser } from '../../server/users/service';
import { query } from '../sql';
import { demoCompany, DEMO_PASSWORD } from './demo';

/**
 * Seeds the database. The base seed (built-in groups, admin) runs on every start; `--demo`
 * adds a bilingual demo company, written through the same services as the API so history
 * and logs look like real use.
 */
export async function seed(services: Services, options: { demo: boolean }): Promise<string> {
  if (!options.demo) return 'Base data is in place (built-in groups and the admin user).';
  const em = services.db.orm.em.fork();
  const [existing] = await query(em, `select 1 from organisation where code = ?`, [demoCompany.organisations[0].code]);
  if (existing) return 'The demo company is already there; nothing to do.';
  const [admin] = await query<{ id: string }>(em, `select u.id from app_user u where u.login = 'admin'`);
  const principal = admin ? await loadPrincipal(em, admin.id) : null;
  const ctx: WriteContext = { em, principal, bus: services.bus, channel: 'system' };

  const ids = new Map<string, string>();
  const create = async (object: string, key: string, fields: Record<string, unknown>) => {
    const resolved = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('@') ? ids.get(v.slice(1)) : v]));
    const record = await createRecord(ctx, object, resolved);
    ids.set(key, record.id);
  };
  for (const o of demoCompany.organisations) await create('organisation', o.code, o);
  for (const d of demoCompany.departments) await create('department', d.code, d);
  for (const e of demoCompany.employees) await create('employee', e.code, e);
  for (const [dept, manager] of Object.entries(demoCompany.managers)) {
    await updateRecord(ctx, 'department', ids.get(dept)!, { managerId: ids.get(manager) });
  }
  const groups = await query<{ id: string; builtin: string }>(em, `select id, builtin from app_group where builtin is not null`);
  const groupId = (b: string) => groups.find((g) => g.builtin === b)!.id;
  if (!principal) throw new Error('The admin user is missing; start the server once before seeding.');
  for (const u of demoCompany.users) {
    await createUser({ em, principal, bus: services.bus }, {
      login: u.login,
      password: DEMO_PASSWORD,
      employeeId: ids.get(u.employee)!,
      groupIds: u.groups.map(groupId),
      locale: u.locale,
    });
  }
  return `Demo company created: ${demoCompany.organisations.length} organisations, ${demoCompany.departments.length} departments, ${demoCompany.employees.length} employees, ${demoCompany.users.length} users (password "${DEMO_PASSWORD}": ${demoCompany.users.map((u) => u.login).join(', ')}).`;
}
