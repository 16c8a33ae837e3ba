import type { MikroORM } from '@mikro-orm/postgresql';
import { systemFields, type FieldDef, type ObjectDef } from './types';

/** Objects defined in code; custom fields and custom business types are layered on top at run time. */
const builtIn = new Map<string, ObjectDef>();
let effective = new Map<string, ObjectDef>();

export function registerObject(def: ObjectDef): void {
  if (builtIn.has(def.name)) throw new Error(`Object "${def.name}" is registered twice`);
  builtIn.set(def.name, def);
  effective.set(def.name, def);
}

/**
 * Replaces the run-time metadata: custom business types and the custom fields of every object.
 * Called at start and whenever an administrator changes the metadata.
 */
export function setCustomMetadata(customObjects: ObjectDef[], customFields: Map<string, FieldDef[]>): void {
  const next = new Map<string, ObjectDef>();
  for (const def of [...builtIn.values(), ...customObjects]) {
    const extra = customFields.get(def.name) ?? [];
    next.set(def.name, extra.length ? { ...def, fields: [...def.fields, ...extra] } : def);
  }
  effective = next;
}

export function findObject(name: string): ObjectDef | undefined {
  return effective.get(name);
}

export function isBuiltIn(name: string): boolean {
  return builtIn.has(name);
}

/** Every object users work with (hidden internal ones left out). */
export function allObjects(): ObjectDef[] {
  return [...effective.values()].filter((o) => !o.hidden);
}

/** Declared fields plus id/createdAt/updatedAt. */
export function fieldsOf(def: ObjectDef): FieldDef[] {
  return [...systemFields, ...def.fields];
}

export function fieldOf(def: ObjectDef, name: string): FieldDef | undefined {
  return fieldsOf(def).find((f) => f.name === name);
}

/**
 * Fails fast at boot when a built-in object names a table or column the entities do not
 * have, so metadata and schema can never drift apart silently.
 */
export function checkObjectsAgainstEntities(orm: MikroORM): void {
  const tables = new Map<string, Set<string>>();
  for (const meta of Object.values(orm.getMetadata().getAll())) {
    if (!meta.tableName) continue;
    const columns = new Set<string>();
    for (const prop of Object.values(meta.properties)) for (const f of prop.fieldNames ?? []) columns.add(f);
    tables.set(meta.tableName, columns);
  }
  for (const def of builtIn.values()) {
    const columns = tables.get(def.table);
    if (!columns) throw new Error(`Object "${def.name}": no entity for table "${def.table}"`);
    if (def.searchText && !columns.has('search_text')) throw new Error(`Object "${def.name}": table "${def.table}" has no search_text column`);
    for (const field of fieldsOf(def)) {
      if (!field.json && !columns.has(field.column)) throw new Error(`Object "${def.name}": table "${def.table}" has no column "${field.column}"`);
      if (field.type === 'relation' && !field.relation) throw new Error(`Object "${def.name}": relation field "${field.name}" has no target`);
    }
  }
}
