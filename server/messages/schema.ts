import { z } from '@hono/zod-openapi';

export const MAX_BODY = 10_000;
export const MAX_ATTACHMENTS = 10;

/** A message id: a bigint, carried as a decimal string. */
export const MessageIdSchema = z.string().regex(/^\d{1,18}$/);

export const FileRefSchema = z.object({ id: z.string(), name: z.string(), size: z.number(), type: z.string() });

export const MessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    senderId: z.string(),
    senderName: z.string(),
    body: z.string(),
    attachments: z.array(FileRefSchema),
    mentions: z.array(z.string()),
    createdAt: z.string(),
    clientId: z.string().optional(),
  })
  .openapi('Message');

export const ConversationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['direct', 'group']),
    title: z.string().nullable(),
    members: z.array(z.object({ userId: z.string(), name: z.string(), lastReadId: z.string() })),
    lastMessage: MessageSchema.nullable(),
    unread: z.number(),
    lastMessageAt: z.string().nullable(),
  })
  .openapi('Conversation');

export const PersonSchema = z
  .object({ id: z.string(), login: z.string(), name: z.string(), employeeId: z.string().nullable() })
  .openapi('Person');

export const CreateConversationSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('direct'), userId: z.uuid() }),
    z.strictObject({ kind: z.literal('group'), title: z.string().trim().min(1).max(200), memberIds: z.array(z.uuid()).min(1).max(200) }),
  ])
  .openapi('ConversationInput');

export const UpdateConversationSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    addMemberIds: z.array(z.uuid()).max(200).optional(),
    removeMemberIds: z.array(z.uuid()).max(200).optional(),
  })
  .openapi('ConversationPatch');

export const SendMessageSchema = z
  .strictObject({
    body: z.string().max(MAX_BODY).default(''),
    attachmentIds: z.array(z.uuid()).max(MAX_ATTACHMENTS).optional(),
    clientId: z.string().min(1).max(100).optional(),
  })
  .openapi('MessageInput');

export const ReadSchema = z.strictObject({ lastReadId: MessageIdSchema }).openapi('ReadPosition');

export const HistoryQuery = z.object({
  before: MessageIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  q: z.string().max(200).optional(),
});

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const MissedQuery = z.object({ since: MessageIdSchema });

export const PeopleQuery = z.object({ q: z.string().max(100).optional() });

export type CreateConversationInput = z.infer<typeof CreateConversationSchema>;
export type UpdateConversationInput = z.infer<typeof UpdateConversationSchema>;
export type SendMessageInput = z.infer<typeof SendMessageSchema>;
