import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomUUID } from 'node:crypto';
import type { Services } from '../context';
import type { Principal } from '../auth/principal';
import type { NotificationDto, NotificationKind } from '../../collab/channels/events';
import { invalid } from '../errors';
import { execute, query } from '../../db/sql';
import { pick, type Text } from './texts';
import { resolveLocale } from '../auth/locale';
import type { MarkReadInput, ReminderInput } from './schema';

export type NotifyInput = {
  userId: string;
  kind: NotificationKind;
  /** A Label is stored in the recipient's language. */
  title: Text;
  body?: Text;
  /** In-app path the notification opens. */
  link?: string | null;
  data?: Record<string, unknown>;
  /** Later than now: a scheduled notification, invisible and unsent until then. */
  notifyAt?: Date;
  /** At most one notification per user with this key (e.g. `birthday:2026`); a repeat is ignored. */
  dedupeKey?: string;
};

type NotificationRow = {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown> | string | null;
  notify_at: Date | string;
  read_at: Date | string | null;
};

const iso = (v: Date | string) => new Date(v).toISOString();
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function presentNotification(row: NotificationRow): NotificationDto {
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : (row.data ?? {});
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    title: row.title,
    body: row.body,
    link: row.link,
    data,
    createdAt: iso(row.notify_at),
    readAt: row.read_at ? iso(row.read_at) : null,
  };
}

/**
 * Resolves once the transaction `em` is in (the outermost one) has ended — committed or rolled
 * back, knex does not say which — or at once when there is none.
 */
function transactionEnd(em: EntityManager): Promise<void> | null {
  type Trx = { executionPromise?: Promise<unknown>; parentTransaction?: Trx };
  let trx = em.getTransactionContext<never>() as Trx | undefined;
  while (trx?.parentTransaction) trx = trx.parentTransaction;
  return trx?.executionPromise ? trx.executionPromise.then(() => undefined, () => undefined) : null;
}

/** Dedupe keys longer than the column are hashed (object names of custom types can be long). */
function dedupeKeyOf(key: string | undefined): string | null {
  if (!key) return null;
  return key.length <= 120 ? key : `h:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The one way every module creates a notification: stored (in the recipient's language), then,
 * when due now, pushed as `notification:new` to every open tab of the user on any node. A
 * scheduled one (`notifyAt` later) is pushed by the ticker when due. Returns null when the
 * dedupe key was already used or the user does not exist.
 */
export async function notify(services: Services, em: EntityManager, input: NotifyInput): Promise<NotificationDto | null> {
  const [user] = await query<{ locale: string | null; browser_locale: string | null }>(em, `select locale, browser_locale from app_user where id = ?`, [input.userId]);
  if (!user) return null;
  const locale = resolveLocale(user.locale, user.browser_locale);
  const now = new Date();
  const notifyAt = input.notifyAt ?? now;
  const due = notifyAt.getTime() <= now.getTime();
  const [row] = await query<NotificationRow>(
    em,
    `insert into notification (id, user_id, kind, title, body, link, data, dedupe_key, notify_at, sent_at, created_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
     on conflict (user_id, dedupe_key) do nothing
     returning id, user_id, kind, title, body, link, data, notify_at, read_at`,
    [
      randomUUID(),
      input.userId,
      input.kind,
      clip(pick(input.title, locale), 300),
      input.body === undefined ? '' : clip(pick(input.body, locale), 10_000),
      input.link ? input.link.slice(0, 500) : null,
      JSON.stringify(input.data ?? {}),
      dedupeKeyOf(input.dedupeKey),
      notifyAt,
      due ? now : null,
      now,
    ],
  );
  if (!row) return null;
  const dto = presentNotification(row);
  if (!due) return dto;
  const ended = transactionEnd(em);
  if (!ended) services.push?.(input.userId, 'notification:new', dto);
  else {
    // Written inside a transaction: pushed once it committed — a rollback takes the row back,
    // and a push must never announce what does not exist.
    void ended
      .then(() => query(services.db.orm.em.fork(), `select 1 from notification where id = ?`, [dto.id]))
      .then((rows) => rows.length && services.push?.(input.userId, 'notification:new', dto))
      .catch((err) => services.log.error({ err }, 'pushing a notification failed'));
  }
  return dto;
}

/** Unread notifications that are due. */
export async function unreadCount(em: EntityManager, userId: string): Promise<number> {
  const [{ n }] = await query<{ n: number }>(em, `select count(*)::int as n from notification where user_id = ? and read_at is null and notify_at <= now()`, [userId]);
  return Number(n);
}

/** The user's due notifications, newest first, paged by the id of the last one seen. */
export async function listNotifications(
  em: EntityManager,
  principal: Principal,
  params: { limit: number; before?: string; unreadOnly?: boolean },
): Promise<{ items: NotificationDto[]; unread: number }> {
  const where = ['n.user_id = ?', 'n.notify_at <= now()'];
  const bindings: unknown[] = [principal.userId];
  if (params.unreadOnly) where.push('n.read_at is null');
  if (params.before) {
    where.push('(n.notify_at, n.id) < (select b.notify_at, b.id from notification b where b.id = ? and b.user_id = ?)');
    bindings.push(params.before, principal.userId);
  }
  const rows = await query<NotificationRow>(
    em,
    `select n.id, n.user_id, n.kind, n.title, n.body, n.link, n.data, n.notify_at, n.read_at from notification n
      where ${where.join(' and ')} order by n.notify_at desc, n.id desc limit ?`,
    [...bindings, params.limit],
  );
  return { items: rows.map(presentNotification), unread: await unreadCount(em, principal.userId) };
}

/**
 * Marks some (or all) of the user's notifications read, then tells every open tab of the user
 * the new unread count so their bells agree.
 */
export async function markNotificationsRead(services: Services, em: EntityManager, principal: Principal, input: MarkReadInput): Promise<{ ids: string[] | null; unread: number }> {
  if (!input.ids === !input.all) throw invalid([{ field: 'ids', code: 'required' }], 'Give either ids or all: true.');
  const now = new Date();
  let ids: string[] | null = null;
  if (input.all) {
    await execute(em, `update notification set read_at = ? where user_id = ? and read_at is null and notify_at <= now()`, [now, principal.userId]);
  } else {
    const list = [...new Set(input.ids!)];
    const rows = await query<{ id: string }>(
      em,
      `update notification set read_at = ? where user_id = ? and read_at is null and id in (${list.map(() => '?').join(', ')}) returning id`,
      [now, principal.userId, ...list],
    );
    const updated = new Set(rows.map((r) => r.id));
    ids = list.filter((id) => updated.has(id));
  }
  const state = { ids, unread: await unreadCount(em, principal.userId) };
  services.push?.(principal.userId, 'notification:read', state);
  return state;
}

const YEAR_MS = 366 * 86_400_000;

/** A reminder for oneself at a future time (at most a year ahead). */
export async function createReminder(services: Services, em: EntityManager, principal: Principal, input: ReminderInput): Promise<NotificationDto> {
  const at = new Date(input.at);
  const now = Date.now();
  if (at.getTime() <= now) throw invalid([{ field: 'at', code: 'too_small' }], 'A reminder must be in the future.');
  if (at.getTime() > now + YEAR_MS) throw invalid([{ field: 'at', code: 'too_big' }], 'A reminder can be at most a year ahead.');
  const dto = await notify(services, em, {
    userId: principal.userId,
    kind: 'reminder',
    title: input.title,
    body: input.body ?? '',
    link: input.link ?? null,
    notifyAt: at,
  });
  return dto!;
}

/**
 * Claims due scheduled notifications and pushes them. Every node runs this; `for update skip
 * locked` hands each row to exactly one of them, and `sent_at` keeps it from going out twice.
 * Returns how many were sent.
 */
export async function sendDueNotifications(services: Services, em: EntityManager): Promise<number> {
  let sent = 0;
  for (;;) {
    const rows = await query<NotificationRow>(
      em,
      `update notification set sent_at = now()
        where id in (select id from notification where sent_at is null and notify_at <= now() order by notify_at for update skip locked limit 100)
        returning id, user_id, kind, title, body, link, data, notify_at, read_at`,
    );
    for (const row of rows) services.push?.(row.user_id, 'notification:new', presentNotification(row));
    sent += rows.length;
    if (rows.length < 100) return sent;
  }
}
