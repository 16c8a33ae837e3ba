import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, IdParam, json, jsonBody, OkSchema, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { requireAction } from '../auth/principal';
import { permissionCatalog } from '../auth/catalog';
import { actions, levels } from '../auth/permissions';
import { CatalogSchema, CreateGroupSchema, GroupSchema, UpdateGroupSchema } from './schema';
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from './service';


export const groupRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/groups/catalog', tags: ['groups'], middleware: requireAuth, responses: { 200: json(CatalogSchema), ...errorResponses } }),
    async (c) => {
      requireAction(principalOf(c), 'group', 'read');
      return c.json({ objects: permissionCatalog(), actions, levels }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/groups', tags: ['groups'], middleware: requireAuth, responses: { 200: json(z.object({ items: z.array(GroupSchema), total: z.number() })), ...errorResponses } }),
    async (c) => c.json(await listGroups(c.var.em, principalOf(c)), 200),
  )
  .openapi(
    createRoute({ method: 'get', path: '/groups/{id}', tags: ['groups'], middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(GroupSchema), ...errorResponses } }),
    async (c) => c.json(await getGroup(c.var.em, principalOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({ method: 'post', path: '/groups', tags: ['groups'], middleware: requireAuth, request: jsonBody(CreateGroupSchema), responses: { 201: json(GroupSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await createGroup({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus }, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/groups/{id}', tags: ['groups'], middleware: requireAuth, request: { params: IdParam, ...jsonBody(UpdateGroupSchema) }, responses: { 200: json(GroupSchema), ...errorResponses } }),
    async (c) => c.json(await updateGroup({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus }, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({ method: 'delete', path: '/groups/{id}', tags: ['groups'], middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      await deleteGroup({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus }, c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    },
  );
