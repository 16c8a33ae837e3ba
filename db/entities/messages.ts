import { defineEntity } from '@mikro-orm/core';

/** A one-to-one (`direct`, deduplicated by `directKey`) or group conversation. */
export const Conversation = defineEntity({
  name: 'Conversation',
  tableName: 'conversation',
  properties: (p) => ({
    id: p.uuid().primary(),
    kind: p.string().length(16),
    title: p.string().length(200).nullable(),
    /** Sorted pair of user ids of a direct conversation, so there is only ever one. */
    directKey: p.string().length(80).nullable().unique(),
    createdBy: p.uuid(),
    createdAt: p.datetime(),
    lastMessageAt: p.datetime().nullable(),
  }),
});

/** Membership, with the read position (`lastReadId`) behind unread counts and read receipts. */
export const ConversationMember = defineEntity({
  name: 'ConversationMember',
  tableName: 'conversation_member',
  indexes: [{ properties: ['userId'] }],
  properties: (p) => ({
    conversationId: p.uuid().primary(),
    userId: p.uuid().primary(),
    joinedAt: p.datetime(),
    lastReadId: p.bigint().default(0),
    lastReadAt: p.datetime().nullable(),
  }),
});

/** A stored message; stored before it is delivered. Ids grow, so "since" and paging use them. */
export const Message = defineEntity({
  name: 'Message',
  tableName: 'message',
  indexes: [
    { properties: ['conversationId', 'id'] },
    // Search in history (Chinese substrings included) runs on a trigram index over the body.
    { name: 'message_body_trgm', expression: 'create index "message_body_trgm" on "message" using gin ("body" gin_trgm_ops)' },
  ],
  properties: (p) => ({
    id: p.bigint().primary().autoincrement(),
    conversationId: p.uuid(),
    senderId: p.uuid(),
    body: p.text(),
    /** Uploaded files: [{ id, name, size, type }]. */
    attachments: p.json<{ id: string; name: string; size: number; type: string }[]>().default('[]'),
    /** User ids mentioned with @name. */
    mentions: p.json<string[]>().default('[]'),
    createdAt: p.datetime(),
  }),
});

/**
 * A user's notification (assignment, mention, reminder, birthday greeting, later approvals and
 * tasks). `notifyAt` in the future makes it a scheduled reminder: invisible and unsent until due.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  indexes: [{ properties: ['userId', 'notifyAt'] }, { properties: ['sentAt', 'notifyAt'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    userId: p.uuid(),
    kind: p.string().length(32),
    title: p.string().length(300),
    body: p.text().default(''),
    /** In-app path the notification opens, e.g. /records/customer/<id>. */
    link: p.string().length(500).nullable(),
    data: p.json<Record<string, unknown>>().default('{}'),
    /** Unique per user for notifications that must happen once (e.g. `birthday:2026-11-27`). */
    dedupeKey: p.string().length(120).nullable(),
    notifyAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  }),
  uniques: [{ properties: ['userId', 'dedupeKey'] }],
});
