import { z } from '@hono/zod-openapi';

export const NotificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['assigned', 'mention', 'reminder', 'birthday', 'message', 'approval', 'task', 'plan']),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

export const NotificationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Id of the last notification of the previous page. */
  before: z.uuid().optional(),
  unreadOnly: z.enum(['true', 'false', '1', '0']).optional(),
});

export const MarkReadSchema = z
  .strictObject({ ids: z.array(z.uuid()).min(1).max(500).optional(), all: z.literal(true).optional() })
  .openapi('NotificationsRead');

/** An in-app path (`/records/customer/…`): never another site, never `javascript:`. */
export const InAppLink = z.string().max(500).regex(/^\/(?![/\\])[^\s]*$/);

export const ReminderSchema = z
  .strictObject({
    at: z.iso.datetime({ offset: true }),
    title: z.string().trim().min(1).max(200),
    body: z.string().max(2000).optional(),
    link: InAppLink.optional(),
  })
  .openapi('ReminderInput');

export type ReminderInput = z.infer<typeof ReminderSchema>;
export type MarkReadInput = z.infer<typeof MarkReadSchema>;
