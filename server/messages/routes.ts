import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, IdParam, json, jsonBody, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import {
  ConversationSchema,
  CreateConversationSchema,
  HistoryQuery,
  MessageSchema,
  MissedQuery,
  PeopleQuery,
  PersonSchema,
  ReadSchema,
  SearchQuery,
  SendMessageSchema,
  UpdateConversationSchema,
} from './schema';
import {
  createConversation,
  getConversation,
  listConversations,
  listMessages,
  listPeople,
  markRead,
  missedMessages,
  searchMessages,
  sendMessage,
  updateConversation,
} from './service';

const tags = ['messages'];

export const messageRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/people', tags, middleware: requireAuth, request: { query: PeopleQuery }, responses: { 200: json(z.object({ items: z.array(PersonSchema) })), ...errorResponses } }),
    async (c) => {
      principalOf(c);
      return c.json({ items: await listPeople(c.var.em, c.req.valid('query').q) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/conversations', tags, middleware: requireAuth, responses: { 200: json(z.object({ items: z.array(ConversationSchema) })), ...errorResponses } }),
    async (c) => c.json({ items: await listConversations(c.var.em, principalOf(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/conversations',
      tags,
      middleware: requireAuth,
      request: jsonBody(CreateConversationSchema),
      responses: { 201: json(ConversationSchema, 'Created'), 200: json(ConversationSchema, 'The existing direct conversation'), ...errorResponses },
    }),
    async (c) => {
      const { conversation, created } = await createConversation(c.var.services, c.var.em, principalOf(c), c.req.valid('json'));
      return created ? c.json(conversation, 201) : c.json(conversation, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/conversations/{id}', tags, middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(ConversationSchema), ...errorResponses } }),
    async (c) => c.json(await getConversation(c.var.em, principalOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/conversations/{id}',
      tags,
      middleware: requireAuth,
      request: { params: IdParam, ...jsonBody(UpdateConversationSchema) },
      responses: { 200: json(ConversationSchema), ...errorResponses },
    }),
    async (c) => c.json(await updateConversation(c.var.services, c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/messages',
      tags,
      middleware: requireAuth,
      request: { params: IdParam, query: HistoryQuery },
      responses: { 200: json(z.object({ items: z.array(MessageSchema), hasMore: z.boolean() })), ...errorResponses },
    }),
    async (c) => c.json(await listMessages(c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/messages',
      tags,
      middleware: requireAuth,
      request: { params: IdParam, ...jsonBody(SendMessageSchema) },
      responses: { 201: json(MessageSchema, 'Stored and delivered'), ...errorResponses },
    }),
    async (c) => c.json(await sendMessage(c.var.services, c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/read',
      tags,
      middleware: requireAuth,
      request: { params: IdParam, ...jsonBody(ReadSchema) },
      responses: { 200: json(z.object({ lastReadId: z.string() })), ...errorResponses },
    }),
    async (c) => c.json(await markRead(c.var.services, c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json').lastReadId), 200),
  )
  .openapi(
    createRoute({ method: 'get', path: '/messages/search', tags, middleware: requireAuth, request: { query: SearchQuery }, responses: { 200: json(z.object({ items: z.array(MessageSchema) })), ...errorResponses } }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json({ items: await searchMessages(c.var.em, principalOf(c), q, limit) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/messages/missed', tags, middleware: requireAuth, request: { query: MissedQuery }, responses: { 200: json(z.object({ items: z.array(MessageSchema) })), ...errorResponses } }),
    async (c) => c.json({ items: await missedMessages(c.var.em, principalOf(c), c.req.valid('query').since) }, 200),
  );
