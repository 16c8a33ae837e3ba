import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { errorResponses, json, jsonBody, OkSchema, router } from '../openapi';
import type { AppEnv } from '../context';
import { loadPrincipal } from '../auth/principal';
import { noGrant } from '../auth/permissions';
import { levelFor } from '../records/query';
import { layoutOf, LayoutSchema, resetLayout, saveLayout } from './layout';
import { addField, createCustomObject, deleteCustomObject, deleteField, FieldInputSchema, FieldPatchSchema, ObjectInputSchema, updateField, type MetaContext } from './custom';
import { principalOf, requireAuth } from '../middleware/session';
import type { Principal } from '../auth/principal';
import { allObjects, fieldsOf, findObject } from '../records/registry';
import type { ObjectDef } from '../records/types';

const LabelSchema = z.object({ en: z.string(), 'zh-CN': z.string() });
const FieldMetaSchema = z.object({
  name: z.string(),
  type: z.string(),
  label: LabelSchema,
  required: z.boolean(),
  maxLength: z.number().optional(),
  options: z.array(z.object({ value: z.string(), label: LabelSchema })).optional(),
  relation: z.string().optional(),
  readOnly: z.boolean(),
  readable: z.boolean(),
  editable: z.boolean(),
  tracked: z.boolean(),
  indexed: z.boolean(),
  custom: z.boolean(),
  help: LabelSchema.optional(),
  defaultValue: z.unknown().optional(),
});
const ObjectMetaSchema = z
  .object({
    name: z.string(),
    label: LabelSchema,
    pluralLabel: LabelSchema,
    titleField: z.string(),
    titleFieldEn: z.string().optional().openapi({ description: 'The field English readers see as the title, when filled' }),
    fields: z.array(FieldMetaSchema),
    listColumns: z.array(z.string()),
    defaultSort: z.string(),
    tree: z.object({ parentField: z.string() }).optional(),
    custom: z.boolean(),
  })
  .openapi('ObjectMeta');

const ObjectParam = z.object({ object: z.string().openapi({ param: { name: 'object', in: 'path' } }) });
const FieldParam = ObjectParam.extend({ field: z.string().openapi({ param: { name: 'field', in: 'path' } }) });

const LayoutResponse = z.object({ layout: z.record(z.string(), z.unknown()), designed: z.boolean() }).openapi('CardLayoutResponse');

function readableDef(c: { var: AppEnv['Variables'] }, name: string) {
  const def = findObject(name);
  if (!def || def.hidden || levelFor(principalOf(c), def, 'read') === 'none') throw new AppError('not_found');
  return def;
}

/** Changing metadata is for administrators. */
function requireAdmin(c: { var: AppEnv['Variables'] }): Principal {
  const principal = principalOf(c);
  if (!principal.isAdmin) throw new AppError('forbidden');
  return principal;
}

const metaContext = (c: { var: AppEnv['Variables'] }): MetaContext => ({ em: c.var.em, bus: c.var.services.bus });

/** Rights are computed per request; after a new object exists, compute them again so it is covered. */
async function reloadPrincipal(c: { var: AppEnv['Variables'] }) {
  return loadPrincipal(c.var.em, principalOf(c).userId);
}

function presentField(object: string, name: string, c: { var: AppEnv['Variables'] }) {
  const presented = presentObject(findObject(object)!, principalOf(c)).fields.find((f) => f.name === name);
  if (!presented) throw new AppError('not_found');
  return presented;
}

/** Metadata as this user sees it: unreadable fields are left out, editability is per user. */
function presentObject(def: ObjectDef, principal: Principal) {
  const grant = principal.permissions[def.name] ?? noGrant();
  const canEdit = grant.edit !== 'none' || grant.create !== 'none';
  const fields = fieldsOf(def)
    .filter((f) => !grant.deny.read.includes(f.name))
    .map((f) => ({
      name: f.name,
      type: f.type,
      label: f.label,
      required: Boolean(f.required),
      ...(f.maxLength ? { maxLength: f.maxLength } : {}),
      ...(f.options ? { options: f.options } : {}),
      ...(f.relation ? { relation: f.relation } : {}),
      readOnly: Boolean(f.readOnly),
      readable: true,
      editable: canEdit && !f.readOnly && !grant.deny.edit.includes(f.name),
      tracked: Boolean(f.tracked),
      indexed: Boolean(f.indexed),
      custom: Boolean(f.custom),
      ...(f.help ? { help: f.help } : {}),
      ...(f.defaultValue !== undefined ? { defaultValue: f.defaultValue } : {}),
    }));
  return {
    name: def.name,
    label: def.label,
    pluralLabel: def.pluralLabel,
    titleField: def.titleField,
    ...(def.titleFieldEn ? { titleFieldEn: def.titleFieldEn } : {}),
    fields,
    listColumns: def.listColumns.filter((c) => fields.some((f) => f.name === c)),
    defaultSort: def.defaultSort,
    ...(def.tree ? { tree: def.tree } : {}),
    custom: Boolean(def.custom),
  };
}


export const metaRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/meta/objects', tags: ['meta'], middleware: requireAuth, responses: { 200: json(z.object({ items: z.array(ObjectMetaSchema) })), ...errorResponses } }),
    async (c) => {
      const principal = principalOf(c);
      const items = allObjects()
        .filter((o) => levelFor(principal, o, 'read') !== 'none')
        .map((o) => presentObject(o, principal));
      return c.json({ items }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/meta/objects/{object}',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: z.object({ object: z.string().openapi({ param: { name: 'object', in: 'path' } }) }) },
      responses: { 200: json(ObjectMetaSchema), ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      const def = findObject(c.req.valid('param').object);
      if (!def || def.hidden || levelFor(principal, def, 'read') === 'none') throw new AppError('not_found');
      return c.json(presentObject(def, principal), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/meta/objects',
      tags: ['meta'],
      middleware: requireAuth,
      request: jsonBody(ObjectInputSchema.openapi('CustomObjectInput')),
      responses: { 201: json(ObjectMetaSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const principal = requireAdmin(c);
      const def = await createCustomObject(metaContext(c), c.req.valid('json'));
      return c.json(presentObject(def, (await reloadPrincipal(c)) ?? principal), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/meta/objects/{object}/fields',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: ObjectParam, ...jsonBody(FieldInputSchema.openapi('CustomFieldInput')) },
      responses: { 201: json(FieldMetaSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      const { object } = c.req.valid('param');
      const field = await addField(metaContext(c), object, c.req.valid('json'));
      return c.json(presentField(object, field.name, c), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/meta/objects/{object}/fields/{field}',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: FieldParam, ...jsonBody(FieldPatchSchema.openapi('CustomFieldPatch')) },
      responses: { 200: json(FieldMetaSchema), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      const { object, field } = c.req.valid('param');
      await updateField(metaContext(c), object, field, c.req.valid('json'));
      return c.json(presentField(object, field, c), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/meta/objects/{object}/fields/{field}',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: FieldParam },
      responses: { 200: json(OkSchema), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      const { object, field } = c.req.valid('param');
      await deleteField(metaContext(c), object, field);
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/meta/objects/{object}/layout',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: ObjectParam },
      responses: { 200: json(LayoutResponse), ...errorResponses },
    }),
    async (c) => {
      const def = readableDef(c, c.req.valid('param').object);
      return c.json(await layoutOf(c.var.em, def), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/meta/objects/{object}/layout',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: ObjectParam, ...jsonBody(LayoutSchema.openapi('CardLayout')) },
      responses: { 200: json(LayoutResponse), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      const def = readableDef(c, c.req.valid('param').object);
      await saveLayout(c.var.em, def, c.req.valid('json'));
      return c.json(await layoutOf(c.var.em, def), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/meta/objects/{object}/layout',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: ObjectParam },
      responses: { 200: json(LayoutResponse), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      const def = readableDef(c, c.req.valid('param').object);
      await resetLayout(c.var.em, def);
      return c.json(await layoutOf(c.var.em, def), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/meta/objects/{object}',
      tags: ['meta'],
      middleware: requireAuth,
      request: { params: ObjectParam },
      responses: { 200: json(OkSchema), ...errorResponses },
    }),
    async (c) => {
      requireAdmin(c);
      await deleteCustomObject(metaContext(c), c.req.valid('param').object);
      return c.json({ ok: true as const }, 200);
    },
  );
