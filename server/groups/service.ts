import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Group, User, type GroupEntity, type GroupPermissions } from '../../db/entities';
import { AppError, invalid, type FieldError } from '../errors';
import { requireAction, type Principal } from '../auth/principal';
import { permissionCatalog } from '../auth/catalog';
import { writeOperationLog } from '../logs/service';
import type { CreateGroupSchema, GroupDto, UpdateGroupSchema } from './schema';
import type { EventBus } from '../events';

export type GroupContext = { em: EntityManager; principal: Principal; bus: EventBus };

export function presentGroup(g: GroupEntity): GroupDto {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    builtin: (g.builtin as GroupDto['builtin']) ?? null,
    permissions: g.permissions,
    memberIds: g.members.isInitialized() ? g.members.getItems().map((m) => m.id).sort() : [],
    createdAt: g.createdAt.toISOString(),
  };
}

export async function listGroups(em: EntityManager, principal: Principal) {
  requireAction(principal, 'group', 'read');
  const [groups, total] = await em.findAndCount(Group, {}, { populate: ['members'], orderBy: { name: 'asc' } });
  return { items: groups.map(presentGroup), total };
}

async function loadGroup(em: EntityManager, id: string): Promise<GroupEntity> {
  const group = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOne(Group, { id }, { populate: ['members'] }) : null;
  if (!group) throw new AppError('not_found');
  return group;
}

export async function getGroup(em: EntityManager, principal: Principal, id: string) {
  requireAction(principal, 'group', 'read');
  return presentGroup(await loadGroup(em, id));
}

/** Permissions may only name known objects and their fields. */
function checkPermissions(permissions: GroupPermissions | undefined, errors: FieldError[]) {
  if (!permissions) return;
  const catalog = new Map(permissionCatalog().map((o) => [o.name, new Set(o.fields.map((f) => f.name))]));
  for (const [object, grant] of Object.entries(permissions)) {
    const fields = catalog.get(object);
    if (!fields) {
      errors.push({ field: `permissions.${object}`, code: 'unknown_field' });
      continue;
    }
    for (const kind of ['read', 'edit'] as const) {
      for (const f of grant.deny?.[kind] ?? []) if (!fields.has(f)) errors.push({ field: `permissions.${object}.deny.${kind}`, code: 'unknown_field', params: { value: f } });
    }
  }
}

async function checkGroupInput(ctx: GroupContext, input: z.infer<typeof UpdateGroupSchema>, id: string | null) {
  const errors: FieldError[] = [];
  checkPermissions(input.permissions, errors);
  if (input.name !== undefined) {
    const clash = await ctx.em.findOne(Group, { name: input.name });
    if (clash && clash.id !== id) errors.push({ field: 'name', code: 'not_unique' });
  }
  if (input.memberIds?.length) {
    const found = await ctx.em.count(User, { id: { $in: input.memberIds } });
    if (found !== new Set(input.memberIds).size) errors.push({ field: 'memberIds', code: 'invalid_reference' });
  }
  if (errors.length) throw invalid(errors);
}

export async function createGroup(ctx: GroupContext, input: z.infer<typeof CreateGroupSchema>) {
  requireAction(ctx.principal, 'group', 'create');
  await checkGroupInput(ctx, input, null);
  const group = ctx.em.create(Group, {
    id: randomUUID(),
    name: input.name,
    description: input.description ?? '',
    permissions: input.permissions ?? {},
    builtin: null,
  } as never);
  for (const m of input.memberIds ?? []) group.members.add(ctx.em.getReference(User, m));
  await ctx.em.transactional(async (em) => {
    em.persist(group);
    await em.flush();
    const changes = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, { old: null, new: v }]));
    await writeOperationLog(em, { userId: ctx.principal.userId, object: 'group', recordId: group.id, action: 'create', changes, channel: 'api' });
  });
  for (const userId of new Set(input.memberIds ?? [])) ctx.bus.emit('user.changed', { userId, rights: true });
  ctx.em.clear();
  return getGroup(ctx.em, ctx.principal, group.id);
}

export async function updateGroup(ctx: GroupContext, id: string, input: z.infer<typeof UpdateGroupSchema>) {
  requireAction(ctx.principal, 'group', 'read');
  const group = await loadGroup(ctx.em, id);
  requireAction(ctx.principal, 'group', 'edit');
  await checkGroupInput(ctx, input, id);
  const before = presentGroup(group);
  if (group.builtin === 'administrators') {
    // The administrators keep every right, or nobody could repair a broken permission set.
    if (input.permissions !== undefined) throw invalid([{ field: 'permissions', code: 'protected_field' }]);
    if (input.memberIds !== undefined && !input.memberIds.includes(ctx.principal.userId) && before.memberIds.includes(ctx.principal.userId)) {
      throw new AppError('conflict', 'You cannot remove yourself from the administrators.', { fields: [{ field: 'memberIds', code: 'invalid_option' }] });
    }
  }
  if (input.name !== undefined) group.name = input.name;
  if (input.description !== undefined) group.description = input.description;
  if (input.permissions !== undefined) group.permissions = input.permissions;
  if (input.memberIds !== undefined) group.members.set(input.memberIds.map((m) => ctx.em.getReference(User, m)));
  await ctx.em.transactional(async (em) => {
    await em.flush();
    const after = presentGroup(group);
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    for (const key of Object.keys(input) as (keyof typeof input)[]) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { old: before[key], new: after[key] };
    }
    if (Object.keys(changes).length) {
      await writeOperationLog(em, { userId: ctx.principal.userId, object: 'group', recordId: group.id, action: 'update', changes, channel: 'api' });
    }
  });
  // Members before and after: what they may do changed with the group (open connections re-check).
  if (input.permissions !== undefined || input.memberIds !== undefined) {
    const after = presentGroup(group);
    const affected = input.permissions !== undefined ? [...before.memberIds, ...after.memberIds] : symmetricDifference(before.memberIds, after.memberIds);
    for (const userId of new Set(affected)) ctx.bus.emit('user.changed', { userId, rights: true });
  }
  ctx.em.clear();
  return getGroup(ctx.em, ctx.principal, id);
}

const symmetricDifference = (a: string[], b: string[]) => [...a.filter((x) => !b.includes(x)), ...b.filter((x) => !a.includes(x))];

export async function deleteGroup(ctx: GroupContext, id: string) {
  requireAction(ctx.principal, 'group', 'read');
  const group = await loadGroup(ctx.em, id);
  requireAction(ctx.principal, 'group', 'delete');
  if (group.builtin) throw new AppError('conflict', 'Built-in groups cannot be deleted.');
  const before = presentGroup(group);
  await ctx.em.transactional(async (em) => {
    em.remove(group);
    await em.flush();
    await writeOperationLog(em, {
      userId: ctx.principal.userId,
      object: 'group',
      recordId: id,
      action: 'delete',
      changes: { name: { old: before.name, new: null }, memberIds: { old: before.memberIds, new: null } },
      channel: 'api',
    });
  });
  for (const userId of before.memberIds) ctx.bus.emit('user.changed', { userId, rights: true });
}
