import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, IdParam, json, jsonBody, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { CreateUserSchema, UpdateUserSchema, UserListQuery, UserSchema } from './schema';
import { createUser, getUser, listUsers, updateUser } from './service';


export const userRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/users', tags: ['users'], middleware: requireAuth, request: { query: UserListQuery }, responses: { 200: json(z.object({ items: z.array(UserSchema), total: z.number() })), ...errorResponses } }),
    async (c) => c.json(await listUsers(c.var.em, principalOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({ method: 'get', path: '/users/{id}', tags: ['users'], middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(UserSchema), ...errorResponses } }),
    async (c) => c.json(await getUser(c.var.em, principalOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({ method: 'post', path: '/users', tags: ['users'], middleware: requireAuth, request: jsonBody(CreateUserSchema), responses: { 201: json(UserSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await createUser({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus }, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/users/{id}', tags: ['users'], middleware: requireAuth, request: { params: IdParam, ...jsonBody(UpdateUserSchema) }, responses: { 200: json(UserSchema), ...errorResponses } }),
    async (c) =>
      c.json(
        await updateUser({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus }, c.req.valid('param').id, c.req.valid('json'), c.var.sessionId ?? undefined),
        200,
      ),
  );
