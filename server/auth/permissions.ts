import type { Action, GroupPermissions, Level, ObjectGrant } from '../../db/entities';

export const actions: Action[] = ['create', 'read', 'edit', 'delete', 'export'];
export const levels: Level[] = ['all', 'department', 'own', 'none'];

const rank: Record<Level, number> = { none: 0, own: 1, department: 2, all: 3 };

export type EffectiveGrant = Record<Action, Level> & { deny: { read: string[]; edit: string[] } };
export type EffectivePermissions = Record<string, EffectiveGrant>;

export function widerLevel(a: Level, b: Level): Level {
  return rank[a] >= rank[b] ? a : b;
}

/** The grant of an object nobody has given the user any right on. */
export const noGrant = (): EffectiveGrant => ({
  create: 'none',
  read: 'none',
  edit: 'none',
  delete: 'none',
  export: 'none',
  deny: { read: [], edit: [] },
});

/**
 * A user's rights are the union of its groups': the widest level per action wins, and a
 * field stays denied only if every group that grants the action denies it.
 */
export function mergeGrants(objects: string[], groups: GroupPermissions[]): EffectivePermissions {
  const result: EffectivePermissions = {};
  for (const object of objects) {
    const merged = noGrant();
    const grants = groups.map((g) => g[object]).filter((g): g is ObjectGrant => Boolean(g));
    for (const action of actions) {
      for (const g of grants) merged[action] = widerLevel(merged[action], g[action] ?? 'none');
    }
    for (const kind of ['read', 'edit'] as const) {
      const granting = grants.filter((g) => (g[kind] ?? 'none') !== 'none');
      if (granting.length === 0) continue;
      const [first, ...rest] = granting.map((g) => new Set(g.deny?.[kind] ?? []));
      merged.deny[kind] = [...first].filter((f) => rest.every((s) => s.has(f))).sort();
    }
    result[object] = merged;
  }
  return result;
}

/** Full rights on every object: what the built-in Administrators group grants. */
export function fullGrant(objects: string[]): GroupPermissions {
  return Object.fromEntries(objects.map((o) => [o, { create: 'all', read: 'all', edit: 'all', delete: 'all', export: 'all' }]));
}
