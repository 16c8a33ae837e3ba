import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, IdParam, json, jsonBody, OkSchema, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { parseOrThrow } from '../validation';
import {
  addToFolder,
  createFolder,
  createView,
  deleteFolder,
  deleteView,
  listFolders,
  listViews,
  removeFromFolder,
  renameFolder,
  updateView,
  ViewInputSchema,
  ViewPatchSchema,
} from './service';

const LabelSchema = z.object({ en: z.string(), 'zh-CN': z.string() });
const ViewSchema = z
  .object({
    id: z.string(),
    object: z.string(),
    kind: z.enum(['view', 'query']),
    name: z.string(),
    nameLabel: LabelSchema.nullable(),
    shared: z.boolean(),
    builtin: z.boolean(),
    mine: z.boolean(),
    owner: z.object({ id: z.string(), login: z.string() }).nullable(),
    config: z.record(z.string(), z.unknown()),
    updatedAt: z.string().nullable(),
  })
  .openapi('SavedView');
const FolderSchema = z.object({ id: z.string(), object: z.string(), name: z.string(), count: z.number(), createdAt: z.string() }).openapi('Folder');
const FolderInput = z.strictObject({ object: z.string().max(64), name: z.string().trim().min(1).max(100) });
const IdsBody = z.strictObject({ ids: z.array(z.uuid()).min(1).max(1000) });
// The filter tree is recursive, which OpenAPI generation cannot follow: the document describes
// `config` as an object, and the service validates it with the full schema.
const ViewBodyDoc = z
  .object({ object: z.string(), kind: z.enum(['view', 'query']), name: z.string(), shared: z.boolean().optional(), config: z.record(z.string(), z.unknown()) })
  .openapi('SavedViewInput');
const ViewPatchDoc = ViewBodyDoc.omit({ object: true, kind: true }).partial().openapi('SavedViewPatch');

export const viewRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/views',
      tags: ['views'],
      middleware: requireAuth,
      request: { query: z.object({ object: z.string().max(64), kind: z.enum(['view', 'query']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(ViewSchema) })), ...errorResponses },
    }),
    async (c) => {
      const { object, kind } = c.req.valid('query');
      return c.json({ items: await listViews(c.var.em, principalOf(c), object, kind) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/views', tags: ['views'], middleware: requireAuth, request: jsonBody(ViewBodyDoc), responses: { 201: json(ViewSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await createView(c.var.em, principalOf(c), parseOrThrow(ViewInputSchema, await c.req.json())), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/views/{id}', tags: ['views'], middleware: requireAuth, request: { params: IdParam, ...jsonBody(ViewPatchDoc) }, responses: { 200: json(ViewSchema), ...errorResponses } }),
    async (c) => c.json(await updateView(c.var.em, principalOf(c), c.req.valid('param').id, parseOrThrow(ViewPatchSchema, await c.req.json())), 200),
  )
  .openapi(
    createRoute({ method: 'delete', path: '/views/{id}', tags: ['views'], middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      await deleteView(c.var.em, principalOf(c), c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/folders',
      tags: ['folders'],
      middleware: requireAuth,
      request: { query: z.object({ object: z.string().max(64).optional() }) },
      responses: { 200: json(z.object({ items: z.array(FolderSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listFolders(c.var.em, principalOf(c), c.req.valid('query').object) }, 200),
  )
  .openapi(
    createRoute({ method: 'post', path: '/folders', tags: ['folders'], middleware: requireAuth, request: jsonBody(FolderInput), responses: { 201: json(FolderSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await createFolder(c.var.em, principalOf(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/folders/{id}',
      tags: ['folders'],
      middleware: requireAuth,
      request: { params: IdParam, ...jsonBody(z.strictObject({ name: z.string().trim().min(1).max(100) })) },
      responses: { 200: json(FolderSchema), ...errorResponses },
    }),
    async (c) => c.json(await renameFolder(c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json').name), 200),
  )
  .openapi(
    createRoute({ method: 'delete', path: '/folders/{id}', tags: ['folders'], middleware: requireAuth, request: { params: IdParam }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      await deleteFolder(c.var.em, principalOf(c), c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/folders/{id}/items', tags: ['folders'], middleware: requireAuth, request: { params: IdParam, ...jsonBody(IdsBody) }, responses: { 200: json(FolderSchema), ...errorResponses } }),
    async (c) => c.json(await addToFolder(c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json').ids), 200),
  )
  .openapi(
    createRoute({ method: 'delete', path: '/folders/{id}/items', tags: ['folders'], middleware: requireAuth, request: { params: IdParam, ...jsonBody(IdsBody) }, responses: { 200: json(FolderSchema), ...errorResponses } }),
    async (c) => c.json(await removeFromFolder(c.var.em, principalOf(c), c.req.valid('param').id, c.req.valid('json').ids), 200),
  );
