import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { errorResponses, json, router } from '../openapi';
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
});
const ObjectMetaSchema = z
  .object({
    name: z.string(),
    label: LabelSchema,
    pluralLabel: LabelSchema,
    titleField: z.string(),
    fields: z.array(FieldMetaSchema),
    listColumns: z.array(z.string()),
    defaultSort: z.string(),
    tree: z.object({ parentField: z.string() }).optional(),
  })
  .openapi('ObjectMeta');

/** Metadata as this user sees it: unreadable fields are left out, editability is per user. */
function presentObject(def: ObjectDef, principal: Principal) {
  const grant = principal.permissions[def.name];
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
    }));
  return {
    name: def.name,
    label: def.label,
    pluralLabel: def.pluralLabel,
    titleField: def.titleField,
    fields,
    listColumns: def.listColumns.filter((c) => fields.some((f) => f.name === c)),
    defaultSort: def.defaultSort,
    ...(def.tree ? { tree: def.tree } : {}),
  };
}


export const metaRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/meta/objects', tags: ['meta'], middleware: requireAuth, responses: { 200: json(z.object({ items: z.array(ObjectMetaSchema) })), ...errorResponses } }),
    async (c) => {
      const principal = principalOf(c);
      const items = allObjects()
        .filter((o) => principal.permissions[o.name].read !== 'none')
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
      if (!def || principal.permissions[def.name].read === 'none') throw new AppError('not_found');
      return c.json(presentObject(def, principal), 200);
    },
  );
