import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { GroupPermissions } from '../../db/entities';
import { fullGrant } from '../auth/permissions';
import { permissionObjects } from '../auth/catalog';
import { execute, query } from '../../db/sql';

export type BuiltinGroup = 'administrators' | 'managers' | 'staff';

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
      },
    },
    staff: {
      name: 'Staff',
      description: 'Everyday users: see the organisation and their department, edit their own card.',
      permissions: {
        organisation: { read: 'all' },
        department: { read: 'all' },
        employee: { read: 'department', edit: 'own' },
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
