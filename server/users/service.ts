import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Employee, Group, User, type UserEntity } from '../../db/entities';
import { AppError, invalid, type FieldError } from '../errors';
import { hashPassword } from '../auth/passwords';
import { requireAction, type Principal } from '../auth/principal';
import { revokeUserSessions } from '../auth/sessions';
import { writeOperationLog } from '../logs/service';
import type { EventBus } from '../events';
import type { CreateUserSchema, UpdateUserSchema, UserDto, UserListQuery } from './schema';
import { escapeLike } from '../records/query';
import { query } from '../../db/sql';

export type UserContext = { em: EntityManager; principal: Principal; bus: EventBus };

export function presentUser(u: UserEntity): UserDto {
  return {
    id: u.id,
    login: u.login,
    employeeId: u.employee?.id ?? null,
    employeeName: u.employee?.name ?? null,
    active: u.active,
    locale: (u.locale as UserDto['locale']) ?? null,
    groupIds: u.groups.isInitialized() ? u.groups.getItems().map((g) => g.id).sort() : [],
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}

const sortMap = { login: 'login', createdAt: 'createdAt', lastLoginAt: 'lastLoginAt' } as const;

export async function listUsers(em: EntityManager, principal: Principal, query: z.infer<typeof UserListQuery>) {
  requireAction(principal, 'user', 'read');
  const where = query.q ? { login: { $ilike: `%${escapeLike(query.q)}%` } } : {};
  const sort = query.sort ?? 'login';
  const key = sortMap[sort.replace('-', '') as keyof typeof sortMap];
  const [users, total] = await em.findAndCount(User, where, {
    populate: ['employee', 'groups'],
    orderBy: { [key]: sort.startsWith('-') ? 'desc nulls last' : 'asc nulls last', id: 'asc' },
    limit: query.limit,
    offset: query.offset,
  });
  return { items: users.map(presentUser), total };
}

export async function getUser(em: EntityManager, principal: Principal, id: string): Promise<UserDto> {
  requireAction(principal, 'user', 'read');
  return presentUser(await loadUser(em, id));
}

async function loadUser(em: EntityManager, id: string): Promise<UserEntity> {
  const user = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOne(User, { id }, { populate: ['employee', 'groups'] }) : null;
  if (!user) throw new AppError('not_found');
  return user;
}

/** Rules shared by create and update: who may touch which field, and references that must exist. */
async function checkUserInput(
  ctx: UserContext,
  input: { employeeId?: string | null; groupIds?: string[] } & Record<string, unknown>,
  target: UserEntity | null,
): Promise<void> {
  const errors: FieldError[] = [];
  const denied = ctx.principal.permissions.user.deny.edit;
  for (const key of Object.keys(input)) if (denied.includes(key)) errors.push({ field: key, code: 'protected_field' });
  // Changing membership is a group permission, not a user one.
  if (input.groupIds !== undefined && ctx.principal.permissions.group.edit === 'none') errors.push({ field: 'groupIds', code: 'protected_field' });
  if (input.groupIds?.length) {
    const found = await ctx.em.count(Group, { id: { $in: input.groupIds } });
    if (found !== new Set(input.groupIds).size) errors.push({ field: 'groupIds', code: 'invalid_reference' });
  }
  if (input.employeeId) {
    const [emp] = await query<{ id: string }>(ctx.em, `select id from employee where id = ?`, [input.employeeId]);
    if (!emp) errors.push({ field: 'employeeId', code: 'invalid_reference' });
    else {
      const holder = await ctx.em.findOne(User, { employee: input.employeeId });
      if (holder && holder.id !== target?.id) errors.push({ field: 'employeeId', code: 'not_unique' });
    }
  }
  if (errors.length) throw invalid(errors);
}

export async function createUser(ctx: UserContext, input: z.infer<typeof CreateUserSchema>): Promise<UserDto> {
  requireAction(ctx.principal, 'user', 'create');
  await checkUserInput(ctx, input, null);
  if (await ctx.em.findOne(User, { login: input.login })) throw invalid([{ field: 'login', code: 'not_unique' }]);
  if (input.password.toLowerCase() === input.login) throw invalid([{ field: 'password', code: 'weak_password' }]);
  const user = ctx.em.create(User, {
    id: randomUUID(),
    login: input.login,
    passwordHash: await hashPassword(input.password),
    employee: input.employeeId ?? null,
    active: input.active ?? true,
    locale: input.locale ?? null,
    passwordChangedAt: new Date(),
  } as never);
  if (input.groupIds) for (const g of input.groupIds) user.groups.add(ctx.em.getReference(Group, g));
  await ctx.em.transactional(async (em) => {
    em.persist(user);
    await em.flush();
    const changes = Object.fromEntries(
      Object.entries({ ...input, password: '***' }).map(([k, v]) => [k, { old: null, new: v }]),
    );
    await writeOperationLog(em, { userId: ctx.principal.userId, object: 'user', recordId: user.id, action: 'create', changes, channel: 'api' });
  });
  return getUser(ctx.em, ctx.principal, user.id);
}

export async function updateUser(ctx: UserContext, id: string, input: z.infer<typeof UpdateUserSchema>, currentSessionId?: string): Promise<UserDto> {
  requireAction(ctx.principal, 'user', 'read');
  const user = await loadUser(ctx.em, id);
  requireAction(ctx.principal, 'user', 'edit');
  await checkUserInput(ctx, input, user);
  const isSelf = user.id === ctx.principal.userId;
  if (isSelf && input.active === false) throw new AppError('conflict', 'You cannot disable your own account.', { fields: [{ field: 'active', code: 'invalid_option' }] });
  const before = presentUser(user);
  if (input.employeeId !== undefined) user.employee = input.employeeId ? ctx.em.getReference(Employee, input.employeeId) : null;
  if (input.active !== undefined) user.active = input.active;
  if (input.locale !== undefined) user.locale = input.locale;
  if (input.password !== undefined) {
    if (input.password.toLowerCase() === user.login) throw invalid([{ field: 'password', code: 'weak_password' }]);
    user.passwordHash = await hashPassword(input.password);
    user.passwordChangedAt = new Date();
  }
  if (input.groupIds !== undefined) {
    const adminGroup = await ctx.em.findOne(Group, { builtin: 'administrators' });
    if (isSelf && adminGroup && before.groupIds.includes(adminGroup.id) && !input.groupIds.includes(adminGroup.id)) {
      throw new AppError('conflict', 'You cannot remove yourself from the administrators.', { fields: [{ field: 'groupIds', code: 'invalid_option' }] });
    }
    user.groups.set(input.groupIds.map((g) => ctx.em.getReference(Group, g)));
  }
  const revoke = input.active === false || input.password !== undefined;
  await ctx.em.transactional(async (em) => {
    await em.flush();
    if (revoke) await revokeUserSessions(em, user.id, isSelf ? currentSessionId : undefined);
    const after = presentUser(user);
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    for (const key of Object.keys(input) as (keyof typeof input)[]) {
      if (key === 'password') changes.password = { old: '***', new: '***' };
      else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { old: before[key], new: after[key] };
    }
    if (Object.keys(changes).length) {
      await writeOperationLog(em, { userId: ctx.principal.userId, object: 'user', recordId: user.id, action: 'update', changes, channel: 'api' });
    }
  });
  if (revoke) ctx.bus.emit('user.sessionsRevoked', { userId: user.id });
  else if (input.groupIds !== undefined || input.employeeId !== undefined) ctx.bus.emit('user.changed', { userId: user.id, rights: true });
  else if (input.locale !== undefined) ctx.bus.emit('user.changed', { userId: user.id, rights: false });
  ctx.em.clear();
  return getUser(ctx.em, ctx.principal, user.id);
}
