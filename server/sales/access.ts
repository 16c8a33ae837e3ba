import type { Principal } from '../auth/principal';
import { widerLevel, type EffectiveGrant } from '../auth/permissions';
import { invalid, type FieldError, type FieldErrorCode } from '../errors';

const full = (): EffectiveGrant => ({ create: 'all', read: 'all', edit: 'all', delete: 'all', export: 'all', deny: { read: [], edit: [] } });

// Principals made by asRule(): the sales rules writing on a user's behalf.
const ruleWriters = new WeakSet<Principal>();

/**
 * The user as a sales rule acts for them: every right on every object, so a rule can keep
 * derived records (totals, receivables, line owners) in step where the user has no rights of
 * their own, while the operation log and field history still name the user. The system
 * (null) stays the system.
 */
export function asRule(principal: Principal | null): Principal | null {
  if (!principal) return null;
  const permissions = Object.fromEntries(Object.keys(principal.permissions).map((o) => [o, full()]));
  const rule: Principal = { ...principal, permissions };
  ruleWriters.add(rule);
  return rule;
}

/** Whether a write comes from a sales rule (or the system) rather than from a person. */
export function isRuleWrite(principal: Principal | null): boolean {
  return !principal || ruleWriters.has(principal);
}

/**
 * Lines are part of their order: whoever may read, edit or export an order may do the same to
 * its lines (at the order's levels) when working on them through the order, and whoever may
 * create an order may give it lines. Field denies set on salesOrderLine still apply.
 */
export function linePrincipal(principal: Principal | null): Principal | null {
  if (!principal || isRuleWrite(principal)) return principal;
  const order = principal.permissions.salesOrder;
  const line = principal.permissions.salesOrderLine;
  if (!order) return principal;
  const grant: EffectiveGrant = {
    // Lines given with a new order come with the right to create the order.
    create: widerLevel(order.create, order.edit),
    read: order.read,
    edit: order.edit,
    delete: order.edit,
    export: order.export,
    deny: { read: line?.deny.read ?? [], edit: line?.deny.edit ?? [] },
  };
  return { ...principal, permissions: { ...principal.permissions, salesOrderLine: grant } };
}

/** A 400 naming one field. */
export function fieldError(field: string, code: FieldErrorCode, params?: Record<string, unknown>, message?: string): never {
  const error: FieldError = params ? { field, code, params } : { field, code };
  throw invalid([error], message);
}
