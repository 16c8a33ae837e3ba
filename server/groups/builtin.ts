import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { GroupPermissions } from '../../db/entities';
import { fullGrant } from '../auth/permissions';
import { permissionObjects } from '../auth/catalog';
import { execute, query } from '../../db/sql';

export type BuiltinGroup = 'administrators' | 'managers' | 'staff';

// Everyday customer and sales work: what a salesperson keeps and what a manager oversees.
const workObjects = ['customer', 'contact', 'activity', 'expense', 'opportunity', 'salesTask', 'contract', 'salesOrder', 'receipt'];
// Shared lists everybody picks from but only administrators maintain.
const referenceObjects = ['product', 'unit', 'expenseCategory', 'salesStage'];

function grantEach(objects: string[], grant: GroupPermissions[string]): GroupPermissions {
  return Object.fromEntries(objects.map((o) => [o, grant]));
}

/** Default rights of the built-in groups; administrators may change managers and staff later. */
function defaults(): Record<BuiltinGroup, { name: string; description: string; permissions: GroupPermissions }> {
  return {
    administrators: {
      name: 'Administrators',
      description: 'Full access to everything, including users, groups and logs.',
      permissions: fullGrant(permissionObjects()),
    },
    managers: {
      name: 'Managers',
      description: 'Run their department: see the whole organisation, manage their own people.',
      permissions: {
        organisation: { read: 'all' },
        department: { read: 'all', edit: 'department' },
        employee: { create: 'department', read: 'all', edit: 'department', export: 'department' },
        operationLog: { read: 'all' },
        ...grantEach(referenceObjects, { read: 'all' }),
        ...grantEach(workObjects, { create: 'department', read: 'department', edit: 'department', delete: 'department', export: 'department' }),
        receivable: { read: 'department', export: 'department' },
      },
    },
    staff: {
      name: 'Staff',
      description: 'Everyday users: see the organisation and their department, edit their own card.',
      permissions: {
        organisation: { read: 'all' },
        department: { read: 'all' },
        employee: { read: 'department', edit: 'own' },
        ...grantEach(referenceObjects, { read: 'all' }),
        ...grantEach(workObjects, { create: 'own', read: 'own', edit: 'own', delete: 'own' }),
        // A salesperson may not raise the credit limit the order confirmation checks against.
        customer: { create: 'own', read: 'own', edit: 'own', delete: 'own', deny: { edit: ['creditLimit', 'grade'] } },
        receivable: { read: 'own' },
      },
    },
  };
}

/**
 * Makes sure the built-in groups exist. The administrators' rights are refreshed on every
 * start so new objects are covered; the other groups are only created, never overwritten.
 */
export async function ensureBuiltinGroups(em: EntityManager): Promise<Record<BuiltinGroup, string>> {
  const ids = {} as Record<BuiltinGroup, string>;
  for (const [builtin, g] of Object.entries(defaults()) as [BuiltinGroup, ReturnType<typeof defaults>[BuiltinGroup]][]) {
    const [existing] = await query<{ id: string }>(em, `select id from app_group where builtin = ?`, [builtin]);
    if (existing) {
      ids[builtin] = existing.id;
      if (builtin === 'administrators') await execute(em, `update app_group set permissions = ? where id = ?`, [JSON.stringify(g.permissions), existing.id]);
      continue;
    }
    const id = randomUUID();
    const now = new Date();
    // A group someone created by hand may already use the name; the built-in one gets a suffix then.
    const [clash] = await query<{ id: string }>(em, `select id from app_group where name = ?`, [g.name]);
    await execute(em, `insert into app_group (id, name, description, builtin, permissions, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`, [
      id,
      clash ? `${g.name} (built-in)` : g.name,
      g.description,
      builtin,
      JSON.stringify(g.permissions),
      now,
      now,
    ]);
    ids[builtin] = id;
  }
  return ids;
}
