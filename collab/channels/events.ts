// The Socket.IO contract shared by server and client (the client imports it with `import type`).
import type { ErrorBody } from '../../server/errors';
import type { FieldOption, Label } from '../../server/records/types';
import type { RecordChangedAction } from '../../server/events';

/** Every acknowledgement: the data, or the same error shape as the REST API. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody['error'] };

export type FileRefDto = { id: string; name: string; size: number; type: string };

export type MessageDto = {
  /** Grows with every message: "since" fetches and paging use it (a string: it is a bigint). */
  id: string;
  conversationId: string;
  senderId: string;
  senderName: string;
  body: string;
  attachments: FileRefDto[];
  /** User ids mentioned with @name. */
  mentions: string[];
  createdAt: string;
  /** Echo of the sender's own id for the message, so its tab can match the optimistic copy. */
  clientId?: string;
};

export type ConversationMemberDto = { userId: string; name: string; lastReadId: string };

export type ConversationDto = {
  id: string;
  kind: 'direct' | 'group';
  /** Group title; for a direct conversation null (show the other member's name). */
  title: string | null;
  members: ConversationMemberDto[];
  lastMessage: MessageDto | null;
  /** Unread messages for the user who receives this object. */
  unread: number;
  lastMessageAt: string | null;
};

export type NotificationKind = 'assigned' | 'mention' | 'reminder' | 'birthday' | 'message' | 'approval' | 'task' | 'plan';

export type NotificationDto = {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** In-app path to open, e.g. /records/customer/<id>. */
  link: string | null;
  data: Record<string, unknown>;
  /** When it became visible (its notify time). */
  createdAt: string;
  readAt: string | null;
};

/** A record changed somewhere; `record` is the row as this viewer may see it (absent on delete). */
export type RecordChangeDto = {
  object: string;
  id: string;
  action: RecordChangedAction;
  fields: string[];
  userId: string | null;
  at: string;
  record?: Record<string, unknown> & { id: string };
};

/**
 * A metric's figures as a small table: charts draw it and Excel exports it. A text column of
 * coded values (periods, ageing buckets) lists them in `options` with their words in both
 * languages: the chart shows the words in the interface's language and an export writes them
 * in its own, while the rows keep the codes.
 */
export type MetricColumn = { name: string; label: Label; type: 'text' | 'number' | 'money' | 'date'; options?: FieldOption[] };
export type MetricResult = { columns: MetricColumn[]; rows: (string | number | null)[][] };

export type MetricParams = Record<string, string | number | boolean | null>;

export type DashboardUpdate = { metric: string; params: MetricParams; result: MetricResult; at: string };

export type ServerToClientEvents = {
  'message:new': (message: MessageDto) => void;
  'message:read': (receipt: { conversationId: string; userId: string; lastReadId: string; at: string }) => void;
  'conversation:updated': (conversation: ConversationDto) => void;
  typing: (state: { conversationId: string; userId: string; name: string; typing: boolean }) => void;
  'notification:new': (notification: NotificationDto) => void;
  /** `ids` null means all were marked read. */
  'notification:read': (state: { ids: string[] | null; unread: number }) => void;
  'record:changed': (change: RecordChangeDto) => void;
  'dashboard:update': (update: DashboardUpdate) => void;
  /** Sent just before the server closes a socket whose session ended. */
  'session:ended': (info: { reason: 'signedOut' | 'revoked' | 'expired' }) => void;
};

export type ClientToServerEvents = {
  /** Joins a conversation's room (members only; the server also joins them on connect). */
  'conversation:join': (input: { conversationId: string }, ack: (res: Ack<null>) => void) => void;
  'message:send': (input: { conversationId: string; body: string; attachmentIds?: string[]; clientId?: string }, ack: (res: Ack<MessageDto>) => void) => void;
  'message:read': (input: { conversationId: string; lastReadId: string }, ack: (res: Ack<null>) => void) => void;
  typing: (input: { conversationId: string; typing: boolean }) => void;
  /** Messages of all the user's conversations after `sinceId` (after a reconnect). */
  'messages:missed': (input: { sinceId: string }, ack: (res: Ack<MessageDto[]>) => void) => void;
  /** Live rows of an object's lists (no `id`) or of one card (`id`); read permission is checked. */
  'records:watch': (input: { object: string; id?: string }, ack: (res: Ack<null>) => void) => void;
  'records:unwatch': (input: { object: string; id?: string }) => void;
  'dashboard:subscribe': (input: { metric: string; params?: MetricParams }, ack: (res: Ack<DashboardUpdate>) => void) => void;
  'dashboard:unsubscribe': (input: { metric: string; params?: MetricParams }) => void;
};

/** `used`: the user sent something over the socket since the last session check (keeps the session alive). */
export type SocketData = { userId: string; sessionId: string; used?: boolean };
