import { z } from 'zod';
import type { FieldDef, ObjectDef } from './types';
import { invalid, type FieldError } from '../errors';
import { fieldErrorsFromZod } from '../validation';
import { todayInZone } from '../time';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const phonePattern = /^\+?[0-9][0-9 ()\-#*.]{1,30}$/;

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// Schemas are built once per field and per object shape: building one (zod compiles object
// parsers) costs more than parsing with it, and every co-edit write-back validates.
// Metadata changes make new FieldDef/ObjectDef objects, so identity is a safe key.
const fieldSchemas = new WeakMap<FieldDef, z.ZodType>();
const inputSchemas = new WeakMap<ObjectDef, Map<string, z.ZodType>>();

/** Zod schema of one field's value (never undefined; null allowed when optional). */
export function fieldSchema(field: FieldDef): z.ZodType {
  let schema = fieldSchemas.get(field);
  if (!schema) fieldSchemas.set(field, (schema = buildFieldSchema(field)));
  return schema;
}

function buildFieldSchema(field: FieldDef): z.ZodType {
  const max = field.maxLength ?? (field.type === 'longText' ? 100_000 : 500);
  let schema: z.ZodType;
  switch (field.type) {
    case 'text':
    case 'longText':
      schema = z.string().trim().min(1).max(max);
      break;
    case 'email':
      schema = z.string().trim().max(max).pipe(z.email());
      break;
    case 'url':
      schema = z.string().trim().max(max).pipe(z.url({ protocol: /^https?$/ }));
      break;
    case 'phone':
      schema = z.string().trim().max(max).regex(phonePattern);
      break;
    case 'number':
      schema = z.number().finite();
      break;
    case 'money':
      // Exact decimals travel as strings so no float ever touches an amount. Money columns hold
      // cents; custom money fields (JSON) keep up to 4 places. More places is refused, not rounded.
      schema = z
        .union([z.string().trim(), z.number().finite().transform(String)])
        .pipe(z.string().regex(field.json ? /^-?\d{1,15}(\.\d{1,4})?$/ : /^-?\d{1,16}(\.\d{1,2})?$/));
      break;
    case 'date':
      schema = z.string().regex(datePattern).refine(isRealDate, { params: { code: 'invalid_format' } });
      break;
    case 'dateTime':
      schema = z.iso.datetime({ offset: true });
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'select':
      schema = z.enum((field.options ?? []).map((o) => o.value) as [string, ...string[]]);
      break;
    case 'relation':
      schema = z.uuid();
      break;
    case 'percent':
      schema = z.number().finite().min(-1000).max(1000);
      break;
    case 'multiSelect': {
      const values = (field.options ?? []).map((o) => o.value) as [string, ...string[]];
      schema = z
        .array(z.enum(values))
        .max(values.length)
        .refine((a) => new Set(a).size === a.length, { params: { code: 'invalid_option' } });
      break;
    }
    case 'file':
      // Files are uploaded first; the record keeps references to them.
      schema = z.array(z.strictObject({ id: z.uuid(), name: z.string().max(255), size: z.number().int().min(0), type: z.string().max(100) })).max(20);
      break;
  }
  if (field.required) return schema;
  // An empty string clears an optional field, as a cleared form input would.
  return z.preprocess((v) => (v === '' ? null : v), schema.nullable());
}

export type WriteMode = 'create' | 'update';

/**
 * Validates a create or update body against the object's metadata. Unknown keys, system
 * fields and fields the user may not edit are rejected, so nothing is silently dropped.
 */
export function validateInput(def: ObjectDef, input: unknown, mode: WriteMode, editDenied: string[], derived: string[] = []): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid([{ field: 'body', code: 'invalid_type' }]);
  }
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const systemNames = new Set(['id', 'createdAt', 'updatedAt', 'createdBy', '_labels']);
  for (const key of Object.keys(body)) {
    const field = def.fields.find((f) => f.name === key);
    const settable = field && (!field.readOnly || derived.includes(key));
    if (systemNames.has(key) || (field && !settable) || editDenied.includes(key)) errors.push({ field: key, code: 'protected_field' });
    else if (!field) errors.push({ field: key, code: 'unknown_field' });
  }
  const result = inputSchema(def, mode, editDenied, derived).safeParse(body);
  if (!result.success) errors.push(...fieldErrorsFromZod(result.error, body));
  if (errors.length) throw invalid(errors);
  const values = result.data as Record<string, unknown>;
  if (mode === 'create') {
    for (const field of def.fields) {
      if (values[field.name] !== undefined) continue;
      if (field.defaultValue !== undefined) values[field.name] = field.defaultValue;
      else if (field.defaultToday) values[field.name] = todayInZone();
    }
  }
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** The object schema of a create or update body, for one set of denied and derived fields. */
function inputSchema(def: ObjectDef, mode: WriteMode, editDenied: string[], derived: string[]): z.ZodType {
  const key = `${mode}|${editDenied.join(',')}|${derived.join(',')}`;
  let byKey = inputSchemas.get(def);
  if (!byKey) inputSchemas.set(def, (byKey = new Map()));
  let schema = byKey.get(key);
  if (schema) return schema;
  const shape: Record<string, z.ZodType> = {};
  for (const field of def.fields) {
    if ((field.readOnly && !derived.includes(field.name)) || editDenied.includes(field.name)) continue;
    const s = fieldSchema(field);
    // Required fields must come with a create (unless they have a default or an auto code); updates are partial.
    const mayOmit = mode === 'update' || field.defaultValue !== undefined || (field.name === 'code' && def.autoCode) || !field.required;
    shape[field.name] = mayOmit ? s.optional() : s;
  }
  byKey.set(key, (schema = z.object(shape)));
  return schema;
}
