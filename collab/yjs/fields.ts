// What a card's Y.Doc holds and how its values relate to the record's columns.
//
// `doc.getMap('fields')` has one key per field that goes in the doc: every field of the object
// except the system ones (id, createdAt, updatedAt) and except any field some group denies for
// read. A shared doc is sent whole to everyone on the card, so a field that even one user may
// not read never enters it; the card edits such fields through REST instead. `text` and
// `longText` are Y.Text (merged character by character), every other field a plain JSON value
// exactly as the REST API presents it (last writer wins per key). Every key is present; an
// empty value is null (an empty Y.Text for text fields).
import * as Y from 'yjs';
import { simpleDiffString } from 'lib0/diff';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { query } from '../../db/sql';
import type { GroupPermissions } from '../../db/entities';
import type { FieldErrorCode } from '../../server/errors';
import { fieldsOf } from '../../server/records/registry';
import type { FieldDef, ObjectDef } from '../../server/records/types';
import { fieldSchema } from '../../server/records/validate';
import { fieldErrorsFromZod } from '../../server/validation';

export const FIELDS_MAP = 'fields';
const SYSTEM = new Set(['id', 'createdAt', 'updatedAt']);

export const isTextField = (field: FieldDef) => field.type === 'text' || field.type === 'longText';

/** Field names some group denies for read on this object (read from every group, not one user's). */
export async function readDeniedByAnyGroup(em: EntityManager, object: string): Promise<Set<string>> {
  const rows = await query<{ permissions: GroupPermissions | string | null }>(em, `select permissions from app_group`);
  const denied = new Set<string>();
  for (const row of rows) {
    const perms = (typeof row.permissions === 'string' ? JSON.parse(row.permissions) : row.permissions) as GroupPermissions | null;
    for (const name of perms?.[object]?.deny?.read ?? []) denied.add(name);
  }
  return denied;
}

/** The fields of `def` that go in its shared doc, by name. */
export async function docFields(em: EntityManager, def: ObjectDef): Promise<Map<string, FieldDef>> {
  const denied = await readDeniedByAnyGroup(em, def.name);
  return new Map(fieldsOf(def).filter((f) => !SYSTEM.has(f.name) && !denied.has(f.name)).map((f) => [f.name, f]));
}

/** A field's value in the doc as plain data: a string for Y.Text fields, the JSON value otherwise. */
export function docValue(map: Y.Map<unknown>, field: FieldDef): unknown {
  const v = map.get(field.name);
  if (isTextField(field)) return v instanceof Y.Text ? v.toString() : v;
  return v === undefined ? null : v;
}

/** The value a column holds, as the doc keeps it. */
export function columnAsDoc(field: FieldDef, value: unknown): unknown {
  if (isTextField(field)) return typeof value === 'string' ? value : '';
  return value === undefined ? null : value;
}

/** Rewrites `text` into `target` with the smallest single edit (common prefix and suffix kept). */
export function diffText(text: Y.Text, target: string): void {
  const current = text.toString();
  if (current === target) return;
  const { index, remove, insert } = simpleDiffString(current, target);
  if (remove) text.delete(index, remove);
  if (insert) text.insert(index, insert);
}

/** True when a Y.Text carries anything but plain characters (embeds, formatting marks). */
export function hasRichContent(text: Y.Text): boolean {
  for (let item = text._start; item; item = item.right) if (!item.deleted && !(item.content instanceof Y.ContentString)) return true;
  return false;
}

/** The longest text a field takes (the limit fieldSchema applies). */
const textMax = (field: FieldDef) => field.maxLength ?? (field.type === 'longText' ? 100_000 : 500);

/**
 * Sets a key to a value (for text fields: diffs the Y.Text, or creates one when the key holds
 * anything else). Must run inside a transaction of the doc.
 */
export function setDocValue(map: Y.Map<unknown>, field: FieldDef, value: unknown): void {
  if (isTextField(field)) {
    const target = typeof value === 'string' ? value : '';
    const current = map.get(field.name);
    if (current instanceof Y.Text && !hasRichContent(current)) diffText(current, target);
    else map.set(field.name, new Y.Text(target));
    return;
  }
  map.set(field.name, value === undefined ? null : value);
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/**
 * Whether a doc value and a column value mean the same (so nothing is written, nor diffed
 * into the doc): text compares trimmed (empty = null), numbers and amounts by value.
 */
export function sameValue(field: FieldDef, docVal: unknown, columnVal: unknown): boolean {
  if (isTextField(field)) return (typeof docVal === 'string' ? docVal.trim() : '') === (typeof columnVal === 'string' ? columnVal.trim() : '');
  const a = docVal === '' ? null : docVal;
  const b = columnVal === '' ? null : columnVal;
  if (a == null || b == null) return a == null && b == null;
  if (['number', 'money', 'percent'].includes(field.type) && (typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) {
    return a !== '' && b !== '' && Number(a) === Number(b);
  }
  return json(a) === json(b);
}

/** Whether two doc values are identical (not merely equivalent). */
export const identical = (a: unknown, b: unknown) => json(a) === json(b);

/** The value the write path gets for a doc value: text trimmed, empty text null. */
export function writeValue(field: FieldDef, docVal: unknown): unknown {
  if (isTextField(field)) {
    const t = typeof docVal === 'string' ? docVal.trim() : '';
    return t === '' ? null : t;
  }
  return docVal;
}

/**
 * Checks a value someone put in the doc. Text may be empty or padded with spaces while
 * typing (the trimmed value is checked; required-but-empty waits for the write-back), but a
 * text that is too long is refused at once. Returns the field error code, or null when valid.
 */
export function checkDocValue(field: FieldDef, raw: unknown): FieldErrorCode | null {
  if (isTextField(field)) {
    if (!(raw instanceof Y.Text) || hasRichContent(raw)) return 'invalid_type';
    // Per keystroke: within the limit even untrimmed is valid, no need to build the string.
    if (raw.length <= textMax(field)) return null;
    const trimmed = raw.toString().trim();
    if (trimmed === '') return null;
    return firstError(field, trimmed);
  }
  if (raw instanceof Y.AbstractType || raw instanceof Uint8Array || raw === undefined) return 'invalid_type';
  return firstError(field, raw);
}

function firstError(field: FieldDef, value: unknown): FieldErrorCode | null {
  const result = fieldSchema(field).safeParse(value);
  if (result.success) return null;
  return fieldErrorsFromZod(result.error, value)[0]?.code ?? 'invalid_type';
}
