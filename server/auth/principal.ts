import type { EntityManager } from '@mikro-orm/postgresql';
import type { Action, Level } from '../../db/entities';
import { fullGrant, mergeGrants, type EffectiveGrant, type EffectivePermissions } from './permissions';
import { permissionObjects } from './catalog';
import { AppError } from '../errors';
import { execute, query } from '../../db/sql';
import type { LocaleCode } from '../records/types';
import { resolveLocale } from './locale';

/** Who is making a request, with everything permission checks need. */
export type Principal = {
  userId: string;
  login: string;
  employeeId: string | null;
  departmentId: string | null;
  isAdmin: boolean;
  /** The language of what the server writes for this user (relation labels, dashboards, exports): see resolveLocale. */
  locale: LocaleCode;
  groupIds: string[];
  permissions: EffectivePermissions;
  /**
   * Ids of the user's department and all departments below it (loaded on first use), read
   * through `em` — the caller's, so inside a transaction it runs on that transaction
   * (on PGlite's single connection a query outside it would wait forever).
   */
  departmentScope(em: EntityManager): Promise<string[]>;
};

/**
 * Builds the principal of an active user from the database (one query for groups, one for the
 * scope when needed). `browserLocale` is the language of the request's browser: it stands in for
 * a language the user never chose, and is remembered for texts made without a request.
 */
export async function loadPrincipal(em: EntityManager, userId: string, browserLocale: LocaleCode | null = null): Promise<Principal | null> {
  const [user] = await query<{ id: string; login: string; employee_id: string | null; department_id: string | null; locale: string | null; browser_locale: string | null; active: boolean }>(
    em,
    `select u.id, u.login, u.employee_id, e.department_id, u.locale, u.browser_locale, u.active
       from app_user u left join employee e on e.id = u.employee_id where u.id = ?`,
    [userId],
  );
  if (!user || !user.active) return null;
  // Written only when it changed, so requests stay reads.
  if (browserLocale && browserLocale !== user.browser_locale) await execute(em, `update app_user set browser_locale = ? where id = ?`, [browserLocale, userId]);
  const groups = await query<{ id: string; builtin: string | null; permissions: Record<string, never> }>(
    em,
    `select g.id, g.builtin, g.permissions from app_group g join user_group ug on ug.group_id = g.id where ug.user_id = ?`,
    [userId],
  );
  let scope: Promise<string[]> | null = null;
  return {
    userId: user.id,
    login: user.login,
    employeeId: user.employee_id,
    departmentId: user.department_id,
    isAdmin: groups.some((g) => g.builtin === 'administrators'),
    locale: resolveLocale(user.locale, browserLocale, user.browser_locale),
    groupIds: groups.map((g) => g.id),
    // Administrators hold every right on every object, including custom types created after
    // their group was last saved.
    permissions: mergeGrants(permissionObjects(), groups.some((g) => g.builtin === 'administrators') ? [fullGrant(permissionObjects())] : groups.map((g) => g.permissions)),
    departmentScope(current) {
      scope ??= departmentSubtree(current, user.department_id);
      return scope;
    },
  };
}

/** The department and all its descendants. */
export async function departmentSubtree(em: EntityManager, departmentId: string | null): Promise<string[]> {
  if (!departmentId) return [];
  const rows = await query<{ id: string }>(
    em,
    `with recursive t(id) as (select id from department where id = ? union select d.id from department d join t on d.parent_id = t.id) select id from t`,
    [departmentId],
  );
  return rows.map((r) => r.id);
}

export function grantOf(principal: Principal, object: string): EffectiveGrant {
  const grant = principal.permissions[object];
  if (!grant) throw new Error(`No permission entry for object "${object}"`);
  return grant;
}

export function levelOf(principal: Principal, object: string, action: Action): Level {
  return grantOf(principal, object)[action];
}

/** For objects without record-level scope (users, groups, logs): any level other than none allows the action. */
export function requireAction(principal: Principal, object: string, action: Action): void {
  if (levelOf(principal, object, action) === 'none') throw new AppError('forbidden');
}
