import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { findRecord, type RecordDto } from '../records/query';
import { runSql } from '../../db/sql';
import { employeeObject } from './objects';

/**
 * An employee's superior: the manager of the employee's department, or — when the employee
 * manages it (or it has no manager) — the nearest manager up the department tree.
 * Approval workflows route by this.
 */
export async function superiorOf(em: EntityManager, employeeId: string): Promise<string | null> {
  const rows = await runSql<{ manager_id: string | null; depth: number }>(em, {
    text: `with recursive chain(id, parent_id, manager_id, depth) as (
             select d.id, d.parent_id, d.manager_id, 0 from department d join employee e on e.department_id = d.id where e.id = ?
             union all
             select d.id, d.parent_id, d.manager_id, c.depth + 1 from department d join chain c on d.id = c.parent_id where c.depth < 50)
           select manager_id, depth from chain order by depth`,
    bindings: [employeeId],
  });
  return rows.find((r) => r.manager_id && r.manager_id !== employeeId)?.manager_id ?? null;
}

/** The superior as a record, when the principal may see both the employee and the superior. */
export async function superiorRecord(em: EntityManager, principal: Principal, employeeId: string): Promise<RecordDto | null | undefined> {
  const employee = await findRecord(em, employeeObject, principal, employeeId);
  if (!employee) return undefined;
  const superiorId = await superiorOf(em, employeeId);
  return superiorId ? await findRecord(em, employeeObject, principal, superiorId) : null;
}
