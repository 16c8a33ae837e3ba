import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Services } from '../context';
import type { Principal } from '../auth/principal';
import type { ConversationDto, FileRefDto, MessageDto } from '../../collab/channels/events';
import { conversationRoom, roomsOf } from '../../collab/channels/hub';
import { AppError, invalid, type FieldError } from '../errors';
import { isUuid } from '../validation';
import { execute, query } from '../../db/sql';
import { escapeLike } from '../records/query';
import { notify } from '../notifications/service';
import { texts } from '../notifications/texts';
import { excerpt, findMentions, mentionCandidates } from './mentions';
import type { CreateConversationInput, SendMessageInput, UpdateConversationInput } from './schema';

export type Person = { id: string; login: string; name: string; employeeId: string | null };

const iso = (v: Date | string) => new Date(v).toISOString();
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Active users with their display name (employee name, else login): pickers and @mentions. */
export async function listPeople(em: EntityManager, q?: string): Promise<Person[]> {
  const bindings: unknown[] = [];
  let filter = '';
  if (q?.trim()) {
    filter = ` and (u.login ilike ? or e.name ilike ?)`;
    const p = `%${escapeLike(q.trim())}%`;
    bindings.push(p, p);
  }
  const rows = await query<{ id: string; login: string; employee_id: string | null; name: string | null }>(
    em,
    `select u.id, u.login, u.employee_id, e.name from app_user u left join employee e on e.id = u.employee_id
      where u.active${filter} order by coalesce(e.name, u.login), u.id limit 2000`,
    bindings,
  );
  return rows.map((r) => ({ id: r.id, login: r.login, name: r.name ?? r.login, employeeId: r.employee_id }));
}

/** Display names (employee name, else login) of some users. */
export async function displayNames(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)].filter(isUuid);
  if (!ids.length) return new Map();
  const rows = await query<{ id: string; name: string }>(
    em,
    `select u.id, coalesce(e.name, u.login) as name from app_user u left join employee e on e.id = u.employee_id where u.id in (${marks(ids.length)})`,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

type MessageRow = {
  id: string;
  conversation_id: string;
  sender_id: string;
  sender_name: string | null;
  body: string;
  attachments: FileRefDto[] | string;
  mentions: string[] | string;
  created_at: Date | string;
};

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function presentMessage(row: MessageRow, clientId?: string): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    senderName: row.sender_name ?? '',
    body: row.body,
    attachments: json(row.attachments) ?? [],
    mentions: json(row.mentions) ?? [],
    createdAt: iso(row.created_at),
    ...(clientId ? { clientId } : {}),
  };
}

const MESSAGE_SELECT = `select m.id::text as id, m.conversation_id, m.sender_id, coalesce(e.name, u.login) as sender_name, m.body, m.attachments, m.mentions, m.created_at
  from message m left join app_user u on u.id = m.sender_id left join employee e on e.id = u.employee_id`;

/** 404 unless the user is a member (unknown and foreign conversations answer alike). */
async function requireMember(em: EntityManager, userId: string, conversationId: string): Promise<{ kind: 'direct' | 'group'; title: string | null }> {
  const [row] = isUuid(conversationId)
    ? await query<{ kind: 'direct' | 'group'; title: string | null }>(
        em,
        `select c.kind, c.title from conversation c join conversation_member m on m.conversation_id = c.id and m.user_id = ? where c.id = ?`,
        [userId, conversationId],
      )
    : [];
  if (!row) throw new AppError('not_found');
  return row;
}

/** Whether the user is a member of the conversation (socket room joins). */
export async function isMember(em: EntityManager, userId: string, conversationId: string): Promise<boolean> {
  if (!isUuid(conversationId)) return false;
  const [row] = await query(em, `select 1 from conversation_member where conversation_id = ? and user_id = ?`, [conversationId, userId]);
  return Boolean(row);
}

/** Ids of the conversations a user belongs to (rooms joined on connect). */
export async function conversationIdsOf(em: EntityManager, userId: string): Promise<string[]> {
  const rows = await query<{ conversation_id: string }>(em, `select conversation_id from conversation_member where user_id = ?`, [userId]);
  return rows.map((r) => r.conversation_id);
}

type ConversationRow = { id: string; kind: 'direct' | 'group'; title: string | null; last_message_at: Date | string | null };

/** Conversation DTOs of some conversations, as each of the given members sees them (their unread count). */
async function presentConversations(em: EntityManager, conversations: ConversationRow[], unread: Map<string, number>): Promise<ConversationDto[]> {
  if (!conversations.length) return [];
  const ids = conversations.map((c) => c.id);
  const members = await query<{ conversation_id: string; user_id: string; last_read_id: string; name: string | null }>(
    em,
    `select cm.conversation_id, cm.user_id, cm.last_read_id::text as last_read_id, coalesce(e.name, u.login) as name
       from conversation_member cm left join app_user u on u.id = cm.user_id left join employee e on e.id = u.employee_id
      where cm.conversation_id in (${marks(ids.length)}) order by cm.joined_at, cm.user_id`,
    ids,
  );
  const last = await query<MessageRow>(
    em,
    `select distinct on (m.conversation_id) m.id::text as id, m.conversation_id, m.sender_id, coalesce(e.name, u.login) as sender_name, m.body, m.attachments, m.mentions, m.created_at
       from message m left join app_user u on u.id = m.sender_id left join employee e on e.id = u.employee_id
      where m.conversation_id in (${marks(ids.length)}) order by m.conversation_id, m.id desc`,
    ids,
  );
  const lastBy = new Map(last.map((r) => [r.conversation_id, presentMessage(r)]));
  return conversations.map((c) => ({
    id: c.id,
    kind: c.kind,
    title: c.title,
    members: members.filter((m) => m.conversation_id === c.id).map((m) => ({ userId: m.user_id, name: m.name ?? '', lastReadId: m.last_read_id })),
    lastMessage: lastBy.get(c.id) ?? null,
    unread: unread.get(c.id) ?? 0,
    lastMessageAt: c.last_message_at ? iso(c.last_message_at) : null,
  }));
}

/** The user's conversations, most recently active first, with unread counts. */
export async function listConversations(em: EntityManager, principal: Principal, onlyIds?: string[]): Promise<ConversationDto[]> {
  const ids = onlyIds?.filter(isUuid);
  if (ids && !ids.length) return [];
  const rows = await query<ConversationRow & { unread: number }>(
    em,
    `select c.id, c.kind, c.title, c.last_message_at,
            (select count(*) from message x where x.conversation_id = c.id and x.id > me.last_read_id and x.sender_id <> me.user_id)::int as unread
       from conversation c join conversation_member me on me.conversation_id = c.id and me.user_id = ?
      ${ids ? `where c.id in (${marks(ids.length)})` : ''}
      order by coalesce(c.last_message_at, c.created_at) desc, c.id limit 500`,
    [principal.userId, ...(ids ?? [])],
  );
  return presentConversations(em, rows, new Map(rows.map((r) => [r.id, Number(r.unread)])));
}

/** One conversation of the user's (404 when not a member). */
export async function getConversation(em: EntityManager, principal: Principal, id: string): Promise<ConversationDto> {
  await requireMember(em, principal.userId, id);
  return (await listConversations(em, principal, [id]))[0];
}

/** Pushes `conversation:updated` to each member, with that member's own unread count. */
async function announceConversation(services: Services, em: EntityManager, conversationId: string, alsoTo: string[] = []): Promise<void> {
  if (!services.push) return;
  const [conv] = await query<ConversationRow>(em, `select id, kind, title, last_message_at from conversation where id = ?`, [conversationId]);
  if (!conv) return;
  const counts = await query<{ user_id: string; unread: number }>(
    em,
    `select cm.user_id, (select count(*) from message x where x.conversation_id = cm.conversation_id and x.id > cm.last_read_id and x.sender_id <> cm.user_id)::int as unread
       from conversation_member cm where cm.conversation_id = ?`,
    [conversationId],
  );
  const [base] = await presentConversations(em, [conv], new Map());
  for (const { user_id, unread } of counts) services.push(user_id, 'conversation:updated', { ...base, unread: Number(unread) });
  // Removed members learn they are out: the conversation no longer lists them.
  for (const userId of alsoTo) services.push(userId, 'conversation:updated', { ...base, unread: 0 });
}

/** Checks that users exist and are active; names each bad one as `<field>.<index>`. */
async function requireActiveUsers(em: EntityManager, ids: string[], field: string): Promise<void> {
  if (!ids.length) return;
  const unique = [...new Set(ids)];
  const rows = await query<{ id: string }>(em, `select id from app_user where active and id in (${marks(unique.length)})`, unique);
  const found = new Set(rows.map((r) => r.id));
  const errors: FieldError[] = ids.flatMap((id, i) => (found.has(id) ? [] : [{ field: `${field}.${i}`, code: 'invalid_reference' as const }]));
  if (errors.length) throw invalid(errors);
}

/**
 * Opens a conversation. A direct one is unique per pair of users (asking again returns the same
 * one, `created: false`); a group gets the creator as a member. Members' sockets on every node
 * join its room at once.
 */
export async function createConversation(services: Services, em: EntityManager, principal: Principal, input: CreateConversationInput): Promise<{ conversation: ConversationDto; created: boolean }> {
  const me = principal.userId;
  let id: string;
  let created = false;
  let members: string[];
  if (input.kind === 'direct') {
    if (input.userId === me) throw invalid([{ field: 'userId', code: 'invalid_reference' }], 'A direct conversation needs another user.');
    await requireActiveUsers(em, [input.userId], 'userId').catch(() => {
      throw invalid([{ field: 'userId', code: 'invalid_reference' }]);
    });
    members = [me, input.userId];
    const key = [...members].sort().join(':');
    id = await em.transactional(async (tem) => {
      const now = new Date();
      // A concurrent request for the same pair waits on the unique key, then finds this row.
      const [inserted] = await query<{ id: string }>(
        tem,
        `insert into conversation (id, kind, title, direct_key, created_by, created_at) values (?, 'direct', null, ?, ?, ?) on conflict (direct_key) do nothing returning id`,
        [randomUUID(), key, me, now],
      );
      if (!inserted) {
        const [existing] = await query<{ id: string }>(tem, `select id from conversation where direct_key = ?`, [key]);
        return existing.id;
      }
      created = true;
      for (const userId of members) {
        await execute(tem, `insert into conversation_member (conversation_id, user_id, joined_at, last_read_id) values (?, ?, ?, 0)`, [inserted.id, userId, now]);
      }
      return inserted.id;
    });
  } else {
    await requireActiveUsers(em, input.memberIds, 'memberIds');
    members = [me, ...new Set(input.memberIds.filter((m) => m !== me))];
    if (members.length < 2) throw invalid([{ field: 'memberIds', code: 'too_small', params: { min: 1 } }], 'A group needs at least one other member.');
    id = randomUUID();
    created = true;
    await em.transactional(async (tem) => {
      const now = new Date();
      await execute(tem, `insert into conversation (id, kind, title, direct_key, created_by, created_at) values (?, 'group', ?, null, ?, ?)`, [id, input.title, me, now]);
      for (const userId of members) {
        await execute(tem, `insert into conversation_member (conversation_id, user_id, joined_at, last_read_id) values (?, ?, ?, 0)`, [id, userId, now]);
      }
    });
  }
  if (created) {
    roomsOf(services)?.join(members, conversationRoom(id));
    await announceConversation(services, em, id);
  }
  return { conversation: await getConversation(em, principal, id), created };
}

/** Renames a group or changes its members; only members may, and only groups can change. */
export async function updateConversation(services: Services, em: EntityManager, principal: Principal, id: string, input: UpdateConversationInput): Promise<ConversationDto> {
  const conv = await requireMember(em, principal.userId, id);
  if (conv.kind !== 'group') throw new AppError('conflict', 'Only group conversations can be renamed or change members.', { fields: [{ field: 'kind', code: 'invalid_option' }] });
  if (input.title === undefined && !input.addMemberIds?.length && !input.removeMemberIds?.length) throw invalid([{ field: 'title', code: 'required' }], 'Nothing to change.');
  if (input.addMemberIds?.length) await requireActiveUsers(em, input.addMemberIds, 'addMemberIds');
  const { added, removed } = await em.transactional(async (tem) => {
    const now = new Date();
    if (input.title !== undefined) await execute(tem, `update conversation set title = ? where id = ?`, [input.title, id]);
    const added: string[] = [];
    for (const userId of new Set(input.addMemberIds ?? [])) {
      const n = await execute(tem, `insert into conversation_member (conversation_id, user_id, joined_at, last_read_id) values (?, ?, ?, 0) on conflict do nothing`, [id, userId, now]);
      if (n) added.push(userId);
    }
    const remove = [...new Set(input.removeMemberIds ?? [])];
    const removed = remove.length
      ? (await query<{ user_id: string }>(tem, `delete from conversation_member where conversation_id = ? and user_id in (${marks(remove.length)}) returning user_id`, [id, ...remove])).map((r) => r.user_id)
      : [];
    return { added, removed };
  });
  const rooms = roomsOf(services);
  if (added.length) rooms?.join(added, conversationRoom(id));
  if (removed.length) rooms?.leave(removed, conversationRoom(id));
  await announceConversation(services, em, id, removed);
  const [base] = await listConversations(em, principal, [id]);
  if (base) return base;
  // The caller left the group: what they see last.
  const [row] = await query<ConversationRow>(em, `select id, kind, title, last_message_at from conversation where id = ?`, [id]);
  return (await presentConversations(em, [row], new Map()))[0];
}

/** A page of a conversation's history, oldest first; `before` pages back, `q` searches. */
export async function listMessages(em: EntityManager, principal: Principal, conversationId: string, params: { before?: string; limit: number; q?: string }): Promise<{ items: MessageDto[]; hasMore: boolean }> {
  await requireMember(em, principal.userId, conversationId);
  const where = ['m.conversation_id = ?'];
  const bindings: unknown[] = [conversationId];
  if (params.before) {
    where.push('m.id < ?::bigint');
    bindings.push(params.before);
  }
  if (params.q?.trim()) {
    where.push('m.body ilike ?');
    bindings.push(`%${escapeLike(params.q.trim())}%`);
  }
  const rows = await query<MessageRow>(em, `${MESSAGE_SELECT} where ${where.join(' and ')} order by m.id desc limit ?`, [...bindings, params.limit + 1]);
  const hasMore = rows.length > params.limit;
  return { items: rows.slice(0, params.limit).reverse().map((r) => presentMessage(r)), hasMore };
}

/** Messages containing `q` in any of the user's conversations, newest first. */
export async function searchMessages(em: EntityManager, principal: Principal, q: string, limit: number): Promise<MessageDto[]> {
  // ILIKE with an escaped pattern: the trigram index on body serves it, Chinese substrings included.
  const rows = await query<MessageRow>(
    em,
    `${MESSAGE_SELECT} join conversation_member cm on cm.conversation_id = m.conversation_id and cm.user_id = ?
      where m.body ilike ? order by m.id desc limit ?`,
    [principal.userId, `%${escapeLike(q.trim())}%`, limit],
  );
  return rows.map((r) => presentMessage(r));
}

export const MISSED_LIMIT = 1000;

/** Messages of all the user's conversations after `sinceId`, oldest first (what a reconnecting tab missed). */
export async function missedMessages(em: EntityManager, principal: Principal, sinceId: string): Promise<MessageDto[]> {
  if (!/^\d{1,18}$/.test(sinceId)) throw invalid([{ field: 'since', code: 'invalid_format' }]);
  const rows = await query<MessageRow>(
    em,
    `${MESSAGE_SELECT} join conversation_member cm on cm.conversation_id = m.conversation_id and cm.user_id = ?
      where m.id > ?::bigint order by m.id limit ?`,
    [principal.userId, sinceId, MISSED_LIMIT],
  );
  return rows.map((r) => presentMessage(r));
}

/**
 * Sends a message: stored first (the sender's own read position moves past it), then delivered
 * to the conversation's room on every node; each member mentioned with @ (not the sender) gets a
 * `mention` notification. The REST route and the socket both come here.
 */
export async function sendMessage(services: Services, em: EntityManager, principal: Principal, conversationId: string, input: SendMessageInput): Promise<MessageDto> {
  const attachmentIds = input.attachmentIds ?? [];
  if (!input.body.trim() && !attachmentIds.length) throw invalid([{ field: 'body', code: 'required' }], 'A message needs text or an attachment.');
  const dupe = attachmentIds.findIndex((id, i) => attachmentIds.indexOf(id) !== i);
  if (dupe >= 0) throw invalid([{ field: `attachmentIds.${dupe}`, code: 'not_unique' }]);
  const conv = await requireMember(em, principal.userId, conversationId);
  let attachments: FileRefDto[] = [];
  if (attachmentIds.length) {
    // Same rule as record files: one can only attach what one uploaded oneself.
    const files = await query<{ id: string; name: string; size: number | string; type: string }>(
      em,
      `select id, name, size, type from stored_file where created_by = ? and id in (${marks(attachmentIds.length)})`,
      [principal.userId, ...attachmentIds],
    );
    const byId = new Map(files.map((f) => [f.id, { id: f.id, name: f.name, size: Number(f.size), type: f.type }]));
    const errors: FieldError[] = attachmentIds.flatMap((id, i) => (byId.has(id) ? [] : [{ field: `attachmentIds.${i}`, code: 'invalid_reference' as const }]));
    if (errors.length) throw invalid(errors);
    attachments = attachmentIds.map((id) => byId.get(id)!);
  }
  const memberIds = (await query<{ user_id: string }>(em, `select user_id from conversation_member where conversation_id = ?`, [conversationId])).map((r) => r.user_id);
  const mentions = findMentions(input.body, await mentionCandidates(em, memberIds));
  const row = await em.transactional(async (tem) => {
    const now = new Date();
    const [inserted] = await query<{ id: string }>(
      tem,
      `insert into message (conversation_id, sender_id, body, attachments, mentions, created_at) values (?, ?, ?, ?::jsonb, ?::jsonb, ?) returning id::text as id`,
      [conversationId, principal.userId, input.body, JSON.stringify(attachments), JSON.stringify(mentions), now],
    );
    await execute(tem, `update conversation set last_message_at = ? where id = ?`, [now, conversationId]);
    await execute(tem, `update conversation_member set last_read_id = greatest(last_read_id, ?::bigint), last_read_at = ? where conversation_id = ? and user_id = ?`, [
      inserted.id,
      now,
      conversationId,
      principal.userId,
    ]);
    const [full] = await query<MessageRow>(tem, `${MESSAGE_SELECT} where m.id = ?::bigint`, [inserted.id]);
    return full;
  });
  const message = presentMessage(row, input.clientId);
  roomsOf(services)?.emit(conversationRoom(conversationId), 'message:new', message);
  for (const userId of mentions) {
    if (userId === principal.userId) continue;
    await notify(services, em, {
      userId,
      kind: 'mention',
      title: texts.mentionInMessage(message.senderName, conv.kind === 'group' ? conv.title : null),
      body: excerpt(input.body),
      link: `/messages/${conversationId}`,
      data: { conversationId, messageId: message.id },
    });
  }
  return message;
}

/**
 * Moves the user's read position forward (never back, never past the last message) and sends
 * the receipt to the conversation, the user's other tabs included.
 */
export async function markRead(services: Services, em: EntityManager, principal: Principal, conversationId: string, lastReadId: string): Promise<{ lastReadId: string }> {
  await requireMember(em, principal.userId, conversationId);
  const now = new Date();
  const [row] = await query<{ last_read_id: string }>(
    em,
    `update conversation_member set last_read_id = greatest(last_read_id, least(?::bigint, (select coalesce(max(id), 0) from message where conversation_id = ?))), last_read_at = ?
      where conversation_id = ? and user_id = ? returning last_read_id::text as last_read_id`,
    [lastReadId, conversationId, now, conversationId, principal.userId],
  );
  roomsOf(services)?.emit(conversationRoom(conversationId), 'message:read', { conversationId, userId: principal.userId, lastReadId: row.last_read_id, at: now.toISOString() });
  return { lastReadId: row.last_read_id };
}
