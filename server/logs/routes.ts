import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { errorResponses, json, Paging, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { requireAction } from '../auth/principal';
import { escapeLike } from '../records/query';
import { execute, query } from '../../db/sql';

const dateParam = z.iso.datetime({ offset: true }).optional();

const LoginLogQuery = z.object({ login: z.string().max(64).optional(), success: z.enum(['true', 'false']).optional(), from: dateParam, to: dateParam, ...Paging });
const OperationLogQuery = z.object({
  object: z.string().max(64).optional(),
  recordId: z.string().max(64).optional(),
  userId: z.uuid().optional(),
  action: z.enum(['create', 'update', 'delete']).optional(),
  from: dateParam,
  to: dateParam,
  ...Paging,
});
const RetentionQuery = z.object({ before: z.iso.datetime({ offset: true }) });

const LoginLogItem = z.object({
  id: z.string(),
  at: z.string(),
  login: z.string(),
  userId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  success: z.boolean(),
  reason: z.string(),
});
const OperationLogItem = z.object({
  id: z.string(),
  at: z.string(),
  userId: z.string().nullable(),
  userLogin: z.string().nullable(),
  object: z.string(),
  recordId: z.string(),
  action: z.string(),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  channel: z.string(),
});

type Cond = { text: string; bindings: unknown[] };
function where(conds: (Cond | null)[]) {
  const list = conds.filter((x): x is Cond => x !== null);
  return { text: list.length ? `where ${list.map((x) => x.text).join(' and ')}` : '', bindings: list.flatMap((x) => x.bindings) };
}
const cond = (text: string, value: unknown): Cond | null => (value === undefined ? null : { text, bindings: [value] });
const iso = (v: unknown) => new Date(v as string).toISOString();

/** Only administrators may purge, and only rows older than a date (retention). */
function requireRetentionRight(c: Parameters<typeof principalOf>[0]) {
  if (!principalOf(c).isAdmin) throw new AppError('forbidden');
}

export const logRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/logs/logins', tags: ['logs'], middleware: requireAuth, request: { query: LoginLogQuery }, responses: { 200: json(z.object({ items: z.array(LoginLogItem), total: z.number() })), ...errorResponses } }),
    async (c) => {
      requireAction(principalOf(c), 'loginLog', 'read');
      const q = c.req.valid('query');
      const w = where([
        q.login ? { text: 'login ilike ?', bindings: [`%${escapeLike(q.login)}%`] } : null,
        cond('success = ?', q.success === undefined ? undefined : q.success === 'true'),
        cond('at >= ?', q.from),
        cond('at <= ?', q.to),
      ]);
      const em = c.var.em;
      const rows = await query(em, `select * from login_log ${w.text} order by at desc, id desc limit ? offset ?`, [...w.bindings, q.limit, q.offset]);
      const [{ total }] = await query<{ total: string }>(em, `select count(*) as total from login_log ${w.text}`, w.bindings);
      const items = rows.map((r) => ({
        id: String(r.id),
        at: iso(r.at),
        login: r.login as string,
        userId: (r.user_id as string | null) ?? null,
        ip: (r.ip as string | null) ?? null,
        userAgent: (r.user_agent as string | null) ?? null,
        success: Boolean(r.success),
        reason: r.reason as string,
      }));
      return c.json({ items, total: Number(total) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/logs/operations', tags: ['logs'], middleware: requireAuth, request: { query: OperationLogQuery }, responses: { 200: json(z.object({ items: z.array(OperationLogItem), total: z.number() })), ...errorResponses } }),
    async (c) => {
      requireAction(principalOf(c), 'operationLog', 'read');
      const q = c.req.valid('query');
      const w = where([
        cond('o.object = ?', q.object),
        cond('o.record_id = ?', q.recordId),
        cond('o.user_id = ?', q.userId),
        cond('o.action = ?', q.action),
        cond('o.at >= ?', q.from),
        cond('o.at <= ?', q.to),
      ]);
      const em = c.var.em;
      const rows = await query(
        em,
        `select o.*, u.login as user_login from operation_log o left join app_user u on u.id = o.user_id ${w.text} order by o.at desc, o.id desc limit ? offset ?`,
        [...w.bindings, q.limit, q.offset],
      );
      const [{ total }] = await query<{ total: string }>(em, `select count(*) as total from operation_log o ${w.text}`, w.bindings);
      const items = rows.map((r) => ({
        id: String(r.id),
        at: iso(r.at),
        userId: (r.user_id as string | null) ?? null,
        userLogin: (r.user_login as string | null) ?? null,
        object: r.object as string,
        recordId: r.record_id as string,
        action: r.action as string,
        changes: (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as Record<string, { old: unknown; new: unknown }>,
        channel: r.channel as string,
      }));
      return c.json({ items, total: Number(total) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/logs/logins', tags: ['logs'], middleware: requireAuth, request: { query: RetentionQuery }, responses: { 200: json(z.object({ deleted: z.number() })), ...errorResponses } }),
    async (c) => {
      requireRetentionRight(c);
      const deleted = await execute(c.var.em, `delete from login_log where at < ?`, [c.req.valid('query').before]);
      return c.json({ deleted }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/logs/operations', tags: ['logs'], middleware: requireAuth, request: { query: RetentionQuery }, responses: { 200: json(z.object({ deleted: z.number() })), ...errorResponses } }),
    async (c) => {
      requireRetentionRight(c);
      const deleted = await execute(c.var.em, `delete from operation_log where at < ?`, [c.req.valid('query').before]);
      return c.json({ deleted }, 200);
    },
  );
