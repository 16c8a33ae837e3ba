import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { AppError, invalid, type FieldError } from '../errors';
import type { Principal } from '../auth/principal';
import type { Channel, EventBus, RecordChanged } from '../events';
import { findObject } from './registry';
import { col, discriminatorSql, findRecord, ident, isReadable, labelLocale, lockRecord, scopeCondition, type RecordDto } from './query';
import { runSql } from '../../db/sql';
import type { FieldDef, ObjectDef } from './types';
import { validateInput } from './validate';
import { writeOperationLog } from '../logs/service';
import { writeFieldHistory } from './history';
import { searchTerms } from '../search/text';
import { afterCommit } from '../../db/after-commit';

/** Who writes and through which door; every record write needs one. */
export type WriteContext = {
  em: EntityManager;
  principal: Principal | null;
  bus: EventBus;
  channel: Channel;
};

/**
 * Business rules that follow a write, run inside its transaction (e.g. a contact's current
 * company follows its employment history). They write through this same service; throwing
 * rolls the whole write back. `before` is the record as it was (null on create), so a rule
 * can tell what changed (a stage, a status).
 */
export type WriteHook = (ctx: WriteContext, record: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) => Promise<void>;
const hooks = new Map<string, WriteHook[]>();

export function registerWriteHook(object: string, hook: WriteHook): void {
  hooks.set(object, [...(hooks.get(object) ?? []), hook]);
}

// Counts record writes in this process, so a write can tell whether its rules wrote anything
// (another request writing meanwhile only costs a needless re-read).
let writeSerial = 0;

/** Runs the rules of a write; answers with the record as they left it (they may derive values of it). */
async function runHooks(ctx: WriteContext, def: ObjectDef, record: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null): Promise<RecordDto> {
  const list = hooks.get(def.name) ?? [];
  const serial = writeSerial;
  for (const hook of list) await hook(ctx, record, action, before);
  if (action === 'delete' || writeSerial === serial) return record;
  return (await findRecord(ctx.em, def, null, record.id)) ?? record;
}

/** Options for writes made by business rules rather than people. */
export type WriteOptions = {
  /** Read-only fields this write may set because the system derives them. */
  derived?: string[];
};

export function requireObject(name: string): ObjectDef {
  const def = findObject(name);
  if (!def) throw new AppError('not_found', `Unknown object "${name}"`);
  return def;
}

const fieldByName = (def: ObjectDef, name: string) => def.fields.find((f) => f.name === name)!;

/** Postgres constraint violations become field errors instead of 500s. */
function translateDbError(def: ObjectDef, err: unknown, action: 'write' | 'delete' = 'write'): never {
  const e = err as { code?: string; constraint?: string; detail?: string };
  if (e.code === '23505') {
    const field = def.fields.find((f) => e.constraint === `${def.table}_${f.column}_unique`);
    throw invalid([{ field: field?.name ?? 'id', code: 'not_unique' }]);
  }
  if (e.code === '23503') {
    // On delete: something still points at this record — a child of a tree object too, whose
    // constraint names our own parent field. On write: a reference vanished meanwhile.
    const field = action === 'write' ? def.fields.find((f) => e.constraint === `${def.table}_${f.column}_foreign`) : undefined;
    if (field) throw invalid([{ field: field.name, code: 'invalid_reference' }]);
    throw new AppError('conflict', 'The record is still referenced by other records.', { fields: [{ field: 'id', code: 'in_use' }] });
  }
  throw err;
}

/**
 * Checks relation targets exist and are visible to the writer (a record you may not see cannot
 * be linked — nor its existence probed), unique fields are free and tree parents make no cycle.
 */
async function checkIntegrity(em: EntityManager, def: ObjectDef, values: Record<string, unknown>, id: string, principal: Principal | null): Promise<void> {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const field = fieldByName(def, name);
    if (value === null || value === undefined) continue;
    if (field.type === 'relation') {
      const target = await relationTarget(em, field, value as string);
      // One's own employee card and department may always be referenced (a new record's owner),
      // even by someone who may not read the employee list.
      const self = principal && ((target?.name === 'employee' && value === principal.employeeId) || (target?.name === 'department' && value === principal.departmentId));
      if (!target || !(await isReadable(em, target, self ? null : principal, value as string))) errors.push({ field: name, code: 'invalid_reference' });
      else if (def.tree?.parentField === name && (await wouldCycle(em, def, id, value as string))) errors.push({ field: name, code: 'cycle' });
    }
    if (field.unique) {
      const only = discriminatorSql(def);
      const [hit] = await runSql(em, {
        text: `select 1 from ${ident(def.table)} t where ${col(field)} = ? and t.id <> ? and ${only.text}`,
        bindings: [value, id, ...only.bindings],
      });
      if (hit) errors.push({ field: name, code: 'not_unique' });
    }
  }
  if (errors.length) throw invalid(errors);
}

/**
 * The object a relation value points into. A link to "any business record" is checked as a
 * record of its own custom type, with that type's permissions.
 */
async function relationTarget(em: EntityManager, field: FieldDef, id: string): Promise<ObjectDef | undefined> {
  const target = findObject(field.relation!);
  if (!target?.hidden || target.table !== 'custom_record') return target;
  const [row] = await runSql<{ object: string }>(em, { text: `select object from custom_record where id = ?`, bindings: [id] });
  return row ? findObject(row.object) : undefined;
}

/** True when `parentId` is the record itself or one of its descendants. */
async function wouldCycle(em: EntityManager, def: ObjectDef, id: string, parentId: string): Promise<boolean> {
  if (parentId === id) return true;
  const parent = fieldByName(def, def.tree!.parentField);
  const [hit] = await runSql(em, {
    text: `with recursive sub(id) as (select t.id from ${ident(def.table)} t where ${col(parent)} = ? union select x.id from ${ident(def.table)} x join sub on ${col(parent, 'x')} = sub.id) select 1 from sub where id = ?`,
    bindings: [id, parentId],
  });
  return Boolean(hit);
}

/** Next code from the object's counter, skipping codes someone typed by hand. */
async function nextCode(em: EntityManager, def: ObjectDef): Promise<string> {
  const { prefix, digits } = def.autoCode!;
  for (;;) {
    const [{ value }] = await runSql<{ value: number }>(em, {
      text: `insert into record_counter (object, value) values (?, 1) on conflict (object) do update set value = record_counter.value + 1 returning value`,
      bindings: [def.name],
    });
    const code = `${prefix}${String(value).padStart(digits, '0')}`;
    const [taken] = await runSql(em, { text: `select 1 from ${ident(def.table)} where code = ?`, bindings: [code] });
    if (!taken) return code;
  }
}

/** The record must stay inside what the user may create or edit (department / own levels). */
async function checkWriteScope(em: EntityManager, def: ObjectDef, principal: Principal | null, action: 'create' | 'edit', id: string): Promise<void> {
  // Nothing to check for the system or at level 'all' (saves a query per row of an import).
  if (!principal || principal.permissions[def.name]?.[action] === 'all') return;
  const scope = await scopeCondition(em, def, principal, principal.permissions[def.name][action]);
  const [hit] = await runSql(em, { text: `select 1 from ${ident(def.table)} t where t.id = ? and ${scope!.text}`, bindings: [id, ...scope!.bindings] });
  if (!hit) {
    const scopeFields = def.fields.filter((f) => [def.scope.department, def.scope.owner].includes(f.column)).map((f) => f.name);
    throw invalid((scopeFields.length ? scopeFields : ['id']).map((field) => ({ field, code: 'out_of_scope' as const })));
  }
}

/** A value as the database takes it: JSON for multi-value fields, as-is otherwise. */
function dbValue(field: FieldDef, value: unknown): unknown {
  return (field.type === 'multiSelect' || field.type === 'file') && value !== null ? JSON.stringify(value) : value;
}

/**
 * Column assignments for an insert or update: plain columns one by one, JSONB-stored fields
 * merged into their container (`custom` / `data`) as one patch.
 */
function assignments(def: ObjectDef, values: Record<string, unknown>): { column: string; value: unknown; jsonPatch: boolean; cast: string }[] {
  const out: { column: string; value: unknown; jsonPatch: boolean; cast: string }[] = [];
  const patches = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(values)) {
    const field = fieldByName(def, name);
    if (field.json) {
      const patch = patches.get(field.json) ?? {};
      patch[field.column] = value;
      patches.set(field.json, patch);
    } else {
      const jsonb = field.type === 'multiSelect' || field.type === 'file';
      out.push({ column: field.column, value: dbValue(field, value), jsonPatch: false, cast: jsonb ? '::jsonb' : '' });
    }
  }
  for (const [column, patch] of patches) out.push({ column, value: JSON.stringify(patch), jsonPatch: true, cast: '::jsonb' });
  return out;
}

/** Announces a write once it is visible: at once, or when the caller's outer transaction commits. */
function emitAfterCommit(ctx: WriteContext, event: Omit<RecordChanged, 'userId' | 'channel' | 'at'>) {
  const changed: RecordChanged = { ...event, userId: ctx.principal?.userId ?? null, channel: ctx.channel, at: new Date().toISOString() };
  afterCommit(ctx.em, () => ctx.bus.emit('record.changed', changed));
}

/**
 * A new record left without owner or department belongs to whoever creates it (their employee
 * and department), as in every CRM — and so a salesperson at level "own" can simply create.
 */
function defaultOwnership(def: ObjectDef, values: Record<string, unknown>, principal: Principal | null): void {
  // Only records that have an owner (customers, activities, orders…), not e.g. employees.
  const owner = def.scope.owner && def.scope.owner !== 'id' ? def.fields.find((f) => f.column === def.scope.owner && !f.json) : undefined;
  if (!principal || !owner) return;
  const defaults: [string | undefined, string | null][] = [
    [def.scope.owner, principal.employeeId],
    [def.scope.department, principal.departmentId],
  ];
  for (const [column, value] of defaults) {
    const field = column && column !== 'id' ? def.fields.find((f) => f.column === column && !f.json) : undefined;
    if (field && value && !(field.name in values)) values[field.name] = value;
  }
}

/** Creates a record: validate → permission → integrity → insert → operation log → event. */
export async function createRecord(ctx: WriteContext, object: string, input: unknown, options: WriteOptions = {}): Promise<RecordDto> {
  const def = requireObject(object);
  const grant = ctx.principal?.permissions[def.name];
  if (grant && grant.create === 'none') throw new AppError('forbidden');
  const values = validateInput(def, input, 'create', grant?.deny.edit ?? [], options.derived);
  defaultOwnership(def, values, ctx.principal);
  const id = randomUUID();
  const record = await ctx.em.transactional(async (em) => {
    if (def.autoCode && !values.code) values.code = await nextCode(em, def);
    await checkIntegrity(em, def, values, id, ctx.principal);
    const cols = assignments(def, values);
    if (def.discriminator) cols.push({ column: 'object', value: def.discriminator, jsonPatch: false, cast: '' });
    // The search text of a new record comes from its values: written with the row, not after it.
    if (def.searchText) cols.push({ column: 'search_text', value: searchTextOf(def, values), jsonPatch: false, cast: '' });
    const now = new Date();
    try {
      await runSql(em, {
        text: `insert into ${ident(def.table)} (id, created_at, updated_at, created_by${cols.map((a) => `, ${ident(a.column)}`).join('')}) values (?, ?, ?, ?${cols.map((a) => `, ?${a.cast}`).join('')})`,
        bindings: [id, now, now, ctx.principal?.userId ?? null, ...cols.map((a) => a.value)],
      });
    } catch (err) {
      translateDbError(def, err);
    }
    writeSerial++;
    await checkWriteScope(em, def, ctx.principal, 'create', id);
    const changes = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { old: null, new: v }]));
    await writeOperationLog(em, { userId: ctx.principal?.userId ?? null, object: def.name, recordId: id, action: 'create', changes, channel: ctx.channel });
    await writeFieldHistory(em, def, id, changes, { userId: ctx.principal?.userId ?? null, channel: ctx.channel });
    const created = (await findRecord(em, def, null, id))!;
    return runHooks({ ...ctx, em }, def, created, 'create', null);
  });
  emitAfterCommit(ctx, { object: def.name, id, action: 'create', fields: Object.keys(values) });
  return answerOf(ctx, def, record);
}

/** Updates the given fields of a record; unchanged values write nothing and log nothing. */
export async function updateRecord(ctx: WriteContext, object: string, id: string, input: unknown, options: WriteOptions = {}): Promise<RecordDto> {
  const def = requireObject(object);
  const grant = ctx.principal?.permissions[def.name];
  const values = validateInput(def, input, 'update', grant?.deny.edit ?? [], options.derived);
  let changed: string[] = [];
  const record = await ctx.em.transactional(async (em) => {
    const locked = await lockRecord(em, def, ctx.principal, id, grant?.edit ?? 'all');
    if (!locked?.readable) throw new AppError('not_found');
    if (!locked.permitted) throw new AppError('forbidden');
    const old = locked.record;
    const diff = Object.fromEntries(Object.entries(values).filter(([k, v]) => !sameValue(fieldByName(def, k), old[k], v)));
    changed = Object.keys(diff);
    if (changed.length === 0) return old;
    // Someone who may edit only their own records must not move one into another department:
    // that would widen what they see.
    if (grant?.edit === 'own' && def.scope.department && def.scope.department !== 'id') {
      const moved = changed.filter((name) => fieldByName(def, name).column === def.scope.department);
      if (moved.length) throw invalid(moved.map((field) => ({ field, code: 'protected_field' as const })));
    }
    await checkIntegrity(em, def, diff, id, ctx.principal);
    const cols = assignments(def, diff);
    // The search text follows from the merged values: written with the row, not after it.
    if (def.searchText && changed.some((name) => fieldByName(def, name).searchable)) {
      cols.push({ column: 'search_text', value: searchTextOf(def, { ...old, ...diff }), jsonPatch: false, cast: '' });
    }
    try {
      await runSql(em, {
        text: `update ${ident(def.table)} set updated_at = ?${cols
          .map((a) => (a.jsonPatch ? `, ${ident(a.column)} = coalesce(${ident(a.column)}, '{}'::jsonb) || ?::jsonb` : `, ${ident(a.column)} = ?${a.cast}`))
          .join('')} where id = ?`,
        bindings: [new Date(), ...cols.map((a) => a.value), id],
      });
    } catch (err) {
      translateDbError(def, err);
    }
    writeSerial++;
    // A record that was editable stays so unless its owner or department moved.
    if (changed.some((name) => isScopeField(def, name))) await checkWriteScope(em, def, ctx.principal, 'edit', id);
    const changes = Object.fromEntries(changed.map((k) => [k, { old: old[k] ?? null, new: diff[k] }]));
    await writeOperationLog(em, { userId: ctx.principal?.userId ?? null, object: def.name, recordId: id, action: 'update', changes, channel: ctx.channel });
    await writeFieldHistory(em, def, id, changes, { userId: ctx.principal?.userId ?? null, channel: ctx.channel });
    const updated = (await findRecord(em, def, null, id))!;
    return runHooks({ ...ctx, em }, def, updated, 'update', old);
  });
  if (changed.length) emitAfterCommit(ctx, { object: def.name, id, action: 'update', fields: changed });
  return answerOf(ctx, def, record);
}

/** Deletes a record the user may delete; records still referenced answer 409. */
export async function deleteRecord(ctx: WriteContext, object: string, id: string): Promise<void> {
  const def = requireObject(object);
  const grant = ctx.principal?.permissions[def.name];
  await ctx.em.transactional(async (em) => {
    const locked = await lockRecord(em, def, ctx.principal, id, grant?.delete ?? 'all');
    if (!locked?.readable) throw new AppError('not_found');
    if (!locked.permitted) throw new AppError('forbidden');
    const old = locked.record;
    try {
      await runSql(em, { text: `delete from ${ident(def.table)} where id = ?`, bindings: [id] });
    } catch (err) {
      translateDbError(def, err, 'delete');
    }
    writeSerial++;
    const changes = Object.fromEntries(def.fields.map((f) => [f.name, { old: old[f.name] ?? null, new: null }]));
    await writeOperationLog(em, { userId: ctx.principal?.userId ?? null, object: def.name, recordId: id, action: 'delete', changes, channel: ctx.channel });
    await runHooks({ ...ctx, em }, def, old, 'delete', old);
  });
  emitAfterCommit(ctx, { object: def.name, id, action: 'delete', fields: def.fields.map((f) => f.name) });
}

/**
 * A record's search_text: its searchable fields as text, pinyin, initials and bare digits,
 * padded with spaces so every term is a word ("% 贸易 %" finds the first one too). Never
 * empty, so the backfill does not revisit a record with nothing searchable.
 */
export function searchTextOf(def: ObjectDef, record: Record<string, unknown>): string {
  const text = def.fields
    .filter((f) => f.searchable && typeof record[f.name] === 'string')
    .map((f) => searchTerms(record[f.name] as string, f.type === 'phone' ? 'phone' : 'text'))
    .filter(Boolean)
    .join(' ');
  return ` ${text} `;
}

/** Whether a field decides who may see the record (its owner or department column). */
function isScopeField(def: ObjectDef, name: string): boolean {
  const field = fieldByName(def, name);
  return !field.json && [def.scope.owner, def.scope.department].includes(field.column);
}

/** Whether a submitted value equals the stored one (so an unchanged field writes and logs nothing). */
function sameValue(field: FieldDef, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  // 1200 and "1200.00" are the same amount.
  if (['number', 'money', 'percent'].includes(field.type)) return Number(a) === Number(b);
  return String(a) === String(b);
}

/**
 * A write's answer as its writer reads it: without the fields they may not read, and with the
 * relation labels in their language (the write path reads the record as the system, whose
 * labels are in the company's language; only relations to objects with an English title differ).
 */
async function answerOf(ctx: WriteContext, def: ObjectDef, record: RecordDto): Promise<RecordDto> {
  const relabel = labelLocale(ctx.principal) !== labelLocale(null) && def.fields.some((f) => f.type === 'relation' && findObject(f.relation!)?.titleFieldEn);
  if (relabel) return (await findRecord(ctx.em, def, ctx.principal, record.id, 'all')) ?? filterReadable(ctx, def, record);
  return filterReadable(ctx, def, record);
}

function filterReadable(ctx: WriteContext, def: ObjectDef, record: RecordDto): RecordDto {
  const denied = ctx.principal?.permissions[def.name].deny.read ?? [];
  if (!denied.length) return record;
  const copy: RecordDto = { ...record, _labels: { ...record._labels } };
  for (const f of denied) {
    delete copy[f];
    delete copy._labels[f];
  }
  return copy;
}
