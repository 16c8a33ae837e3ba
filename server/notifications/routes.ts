import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { MarkReadSchema, NotificationListQuery, NotificationSchema, ReminderSchema } from './schema';
import { createReminder, listNotifications, markNotificationsRead } from './service';

const tags = ['notifications'];

export const notificationRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      tags,
      middleware: requireAuth,
      request: { query: NotificationListQuery },
      responses: { 200: json(z.object({ items: z.array(NotificationSchema), unread: z.number() })), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listNotifications(c.var.em, principalOf(c), { limit: q.limit, before: q.before, unreadOnly: q.unreadOnly === 'true' || q.unreadOnly === '1' }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/notifications/read',
      tags,
      middleware: requireAuth,
      request: jsonBody(MarkReadSchema),
      responses: { 200: json(z.object({ ids: z.array(z.string()).nullable(), unread: z.number() })), ...errorResponses },
    }),
    async (c) => c.json(await markNotificationsRead(c.var.services, c.var.em, principalOf(c), c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/notifications/reminders',
      tags,
      middleware: requireAuth,
      request: jsonBody(ReminderSchema),
      responses: { 201: json(NotificationSchema, 'Scheduled'), ...errorResponses },
    }),
    async (c) => c.json(await createReminder(c.var.services, c.var.em, principalOf(c), c.req.valid('json')), 201),
  );
