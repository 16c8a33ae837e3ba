import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, invalid } from '../errors';
import { execute, query } from '../../db/sql';
import type { EventBus } from '../events';
import { FIELD_NAME, ident } from '../records/query';
import { fieldOf, findObject, isBuiltIn, setCustomMetadata } from '../records/registry';
import { l, ownershipFields } from '../records/labels';
import type { FieldDef, FieldType, Label, ObjectDef } from '../records/types';

const ownedScope = { department: 'department_id', owner: 'owner_id' };

/** The columns every custom business record has; its own fields live in `data`. */
const commonCustomFields = (): FieldDef[] => [
  { name: 'code', column: 'code', type: 'text', label: l('Code', '编号'), maxLength: 32, searchable: true, unique: true },
  { name: 'name', column: 'name', type: 'text', label: l('Title', '标题'), required: true, maxLength: 200, searchable: true },
  { name: 'customerId', column: 'customer_id', type: 'relation', relation: 'customer', label: l('Customer', '客户') },
  { name: 'contactId', column: 'contact_id', type: 'relation', relation: 'contact', label: l('Contact', '联系人') },
  ...ownershipFields(),
];

/** Internal target of relations to "any custom business record" (expenses point here). */
export const customRecordObject: ObjectDef = {
  name: 'customRecord',
  table: 'custom_record',
  label: l('Business record', '业务记录'),
  pluralLabel: l('Business records', '业务记录'),
  titleField: 'name',
  defaultSort: '-createdAt',
  listColumns: ['code', 'name'],
  scope: ownedScope,
  hidden: true,
  fields: commonCustomFields(),
};

const LabelSchema = z.strictObject({ en: z.string().trim().min(1).max(100), 'zh-CN': z.string().trim().min(1).max(100) });
const fieldTypes = ['text', 'longText', 'number', 'money', 'percent', 'date', 'dateTime', 'boolean', 'select', 'multiSelect', 'phone', 'email', 'url', 'relation', 'file'] as const;

export const FieldInputSchema = z.strictObject({
  name: z.string().regex(FIELD_NAME),
  type: z.enum(fieldTypes),
  label: LabelSchema,
  required: z.boolean().optional(),
  options: z
    .array(z.strictObject({ value: z.string().trim().min(1).max(64), label: LabelSchema }))
    .max(200)
    .refine((o) => new Set(o.map((x) => x.value)).size === o.length, { params: { code: 'not_unique' } })
    .optional(),
  target: z.string().max(64).optional(),
  tracked: z.boolean().optional(),
  indexed: z.boolean().optional(),
  help: LabelSchema.optional(),
  maxLength: z.number().int().min(1).max(100_000).optional(),
  defaultValue: z.union([z.string().max(500), z.number(), z.boolean()]).optional(),
});
export const FieldPatchSchema = FieldInputSchema.omit({ name: true, type: true, target: true }).partial();

export const ObjectInputSchema = z.strictObject({
  name: z.string().regex(FIELD_NAME),
  label: LabelSchema,
  pluralLabel: LabelSchema,
  fields: z.array(FieldInputSchema).max(200).optional(),
});

type FieldInput = z.infer<typeof FieldInputSchema>;
type StoredField = Omit<FieldInput, 'name'>;
type StoredObject = { label: Label; pluralLabel: Label };

function toFieldDef(name: string, stored: StoredField, json: 'custom' | 'data'): FieldDef {
  return {
    name,
    column: name,
    json,
    type: stored.type as FieldType,
    label: stored.label,
    required: stored.required,
    options: stored.options,
    relation: stored.target,
    tracked: stored.tracked,
    indexed: stored.indexed,
    help: stored.help,
    maxLength: stored.maxLength,
    defaultValue: stored.defaultValue,
    searchable: ['text', 'phone', 'email'].includes(stored.type),
    custom: true,
  };
}

export function customObjectDef(name: string, stored: StoredObject): ObjectDef {
  return {
    name,
    table: 'custom_record',
    discriminator: name,
    custom: true,
    label: stored.label,
    pluralLabel: stored.pluralLabel,
    titleField: 'name',
    defaultSort: '-createdAt',
    listColumns: ['code', 'name', 'customerId', 'ownerId'],
    scope: ownedScope,
    autoCode: { prefix: `${name.slice(0, 3).toUpperCase()}-`, digits: 5 },
    searchText: true,
    fields: commonCustomFields(),
  };
}

/** Reads custom business types and custom fields from the database into the registry. */
export async function loadCustomMetadata(em: EntityManager): Promise<void> {
  const objects = await query<{ name: string; definition: StoredObject }>(em, `select name, definition from object_definition order by created_at`);
  const customObjects = objects.map((o) => customObjectDef(o.name, o.definition));
  const customNames = new Set(customObjects.map((o) => o.name));
  const fields = await query<{ object: string; name: string; definition: StoredField }>(em, `select object, name, definition from field_definition order by position, created_at`);
  const byObject = new Map<string, FieldDef[]>();
  for (const f of fields) {
    const list = byObject.get(f.object) ?? [];
    list.push(toFieldDef(f.name, f.definition, customNames.has(f.object) ? 'data' : 'custom'));
    byObject.set(f.object, list);
  }
  setCustomMetadata(customObjects, byObject);
}

export type MetaContext = { em: EntityManager; bus: EventBus };

/** Reload here and tell other nodes to reload too. */
async function changed(ctx: MetaContext): Promise<void> {
  await loadCustomMetadata(ctx.em);
  ctx.bus.emit('meta.changed', { at: new Date().toISOString() });
}

function checkFieldInput(def: ObjectDef, input: FieldInput) {
  if (fieldOf(def, input.name)) throw invalid([{ field: 'name', code: 'not_unique' }]);
  if (['select', 'multiSelect'].includes(input.type) && !input.options?.length) throw invalid([{ field: 'options', code: 'required' }]);
  if (input.type === 'relation') {
    const target = input.target ? findObject(input.target) : undefined;
    if (!target || target.hidden) throw invalid([{ field: 'target', code: 'invalid_reference' }]);
  }
  if (input.defaultValue !== undefined && input.type === 'select' && !input.options?.some((o) => o.value === input.defaultValue)) {
    throw invalid([{ field: 'defaultValue', code: 'invalid_option' }]);
  }
}

/** An expression index for a custom field marked `indexed`. */
function indexName(def: ObjectDef, field: string) {
  return ident(`cf_${def.name}_${field}`.slice(0, 60));
}
async function syncIndex(em: EntityManager, def: ObjectDef, field: FieldDef): Promise<void> {
  if (field.indexed) {
    await execute(em, `create index if not exists ${indexName(def, field.name)} on ${ident(def.table)} ((${ident(field.json!)}->>'${field.name}'))`);
  } else {
    await execute(em, `drop index if exists ${indexName(def, field.name)}`);
  }
}

export async function addField(ctx: MetaContext, object: string, input: FieldInput): Promise<FieldDef> {
  const def = findObject(object);
  if (!def || def.hidden) throw new AppError('not_found');
  checkFieldInput(def, input);
  const { name, ...stored } = input;
  const [{ position }] = await query<{ position: number }>(ctx.em, `select coalesce(max(position), 0) + 1 as position from field_definition where object = ?`, [object]);
  const now = new Date();
  await execute(ctx.em, `insert into field_definition (id, object, name, definition, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`, [
    randomUUID(),
    object,
    name,
    JSON.stringify(stored),
    position,
    now,
    now,
  ]);
  const field = toFieldDef(name, stored, def.custom ? 'data' : 'custom');
  await syncIndex(ctx.em, def, field);
  await changed(ctx);
  return field;
}

export async function updateField(ctx: MetaContext, object: string, name: string, patch: z.infer<typeof FieldPatchSchema>): Promise<FieldDef> {
  const def = findObject(object);
  const field = def ? fieldOf(def, name) : undefined;
  if (!def || !field) throw new AppError('not_found');
  if (!field.custom) throw new AppError('conflict', 'Built-in fields cannot be changed.', { fields: [{ field: 'name', code: 'protected_field' }] });
  const [row] = await query<{ definition: StoredField }>(ctx.em, `select definition from field_definition where object = ? and name = ?`, [object, name]);
  const stored = { ...row.definition, ...patch };
  if (['select', 'multiSelect'].includes(stored.type) && !stored.options?.length) throw invalid([{ field: 'options', code: 'required' }]);
  await execute(ctx.em, `update field_definition set definition = ?, updated_at = ? where object = ? and name = ?`, [JSON.stringify(stored), new Date(), object, name]);
  await syncIndex(ctx.em, def, toFieldDef(name, stored, field.json!));
  await changed(ctx);
  return fieldOf(findObject(object)!, name)!;
}

/** Removes a custom field and its values. */
export async function deleteField(ctx: MetaContext, object: string, name: string): Promise<void> {
  const def = findObject(object);
  const field = def ? fieldOf(def, name) : undefined;
  if (!def || !field) throw new AppError('not_found');
  if (!field.custom) throw new AppError('conflict', 'Built-in fields cannot be removed.', { fields: [{ field: 'name', code: 'protected_field' }] });
  await ctx.em.transactional(async (em) => {
    await execute(em, `delete from field_definition where object = ? and name = ?`, [object, name]);
    const only = def.discriminator ? ' where object = ?' : '';
    await execute(em, `update ${ident(def.table)} set ${ident(field.json!)} = ${ident(field.json!)} - ?${only}`, def.discriminator ? [name, def.discriminator] : [name]);
    await execute(em, `drop index if exists ${indexName(def, name)}`);
  });
  await changed(ctx);
}

/** Defines a custom business type, with its first fields. */
export async function createCustomObject(ctx: MetaContext, input: z.infer<typeof ObjectInputSchema>): Promise<ObjectDef> {
  if (findObject(input.name) || isBuiltIn(input.name)) throw invalid([{ field: 'name', code: 'not_unique' }]);
  const draft = customObjectDef(input.name, input);
  (input.fields ?? []).forEach((f, i) => {
    try {
      checkFieldInput(draft, f);
    } catch (err) {
      if (err instanceof AppError) throw invalid((err.details?.fields ?? []).map((e) => ({ ...e, field: `fields.${i}.${e.field}` })));
      throw err;
    }
    draft.fields.push(toFieldDef(f.name, f, 'data'));
  });
  const now = new Date();
  await ctx.em.transactional(async (em) => {
    await execute(em, `insert into object_definition (name, definition, created_at, updated_at) values (?, ?, ?, ?)`, [
      input.name,
      JSON.stringify({ label: input.label, pluralLabel: input.pluralLabel }),
      now,
      now,
    ]);
    for (const [i, f] of (input.fields ?? []).entries()) {
      const { name, ...stored } = f;
      await execute(em, `insert into field_definition (id, object, name, definition, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`, [
        randomUUID(),
        input.name,
        name,
        JSON.stringify(stored),
        i + 1,
        now,
        now,
      ]);
    }
  });
  await changed(ctx);
  return findObject(input.name)!;
}

/** Removes a custom business type that has no records left; its fields, card layout and saved views go with it. */
export async function deleteCustomObject(ctx: MetaContext, name: string): Promise<void> {
  const def = findObject(name);
  if (!def || !def.custom) throw new AppError('not_found');
  const [{ count }] = await query<{ count: string }>(ctx.em, `select count(*) as count from custom_record where object = ?`, [name]);
  if (Number(count) > 0) {
    throw new AppError('conflict', 'Delete or move the records of this type first.', { fields: [{ field: 'name', code: 'in_use' }], records: Number(count) });
  }
  await ctx.em.transactional(async (em) => {
    await execute(em, `delete from field_definition where object = ?`, [name]);
    await execute(em, `delete from object_layout where object = ?`, [name]);
    await execute(em, `delete from saved_view where object = ?`, [name]);
    await execute(em, `delete from folder where object = ?`, [name]);
    await execute(em, `delete from object_definition where name = ?`, [name]);
  });
  await changed(ctx);
}
