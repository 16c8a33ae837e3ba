import type { MikroORM } from '@mikro-orm/postgresql';
import { systemFields, type FieldDef, type ObjectDef } from './types';

const objects = new Map<string, ObjectDef>();

export function registerObject(def: ObjectDef): void {
  if (objects.has(def.name)) throw new Error(`Object "${def.name}" is registered twice`);
  objects.set(def.name, def);
}

export function findObject(name: string): ObjectDef | undefined {
  return objects.get(name);
}

export function allObjects(): ObjectDef[] {
  return [...objects.values()];
}

/** Declared fields plus id/createdAt/updatedAt. */
export function fieldsOf(def: ObjectDef): FieldDef[] {
  return [...systemFields, ...def.fields];
}

export function fieldOf(def: ObjectDef, name: string): FieldDef | undefined {
  return fieldsOf(def).find((f) => f.name === name);
}

/**
 * Fails fast at boot when an object definition names a table or column the entities do not
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
  for (const def of objects.values()) {
    const columns = tables.get(def.table);
    if (!columns) throw new Error(`Object "${def.name}": no entity for table "${def.table}"`);
    for (const field of fieldsOf(def)) {
      if (!columns.has(field.column)) throw new Error(`Object "${def.name}": table "${def.table}" has no column "${field.column}"`);
      if (field.type === 'relation' && !field.relation) throw new Error(`Object "${def.name}": relation field "${field.name}" has no target`);
    }
  }
}
