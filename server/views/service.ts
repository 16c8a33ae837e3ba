import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, invalid } from '../errors';
import { isUuid } from '../validation';
import { execute, query } from '../../db/sql';
import type { Principal } from '../auth/principal';
import { compileFilter, filterSchema, findRecord, levelFor } from '../records/query';
import { findObject } from '../records/registry';
import type { ObjectDef } from '../records/types';
import { builtinQueries } from './builtin';

export const ViewConfigSchema = z.strictObject({
  filter: filterSchema.optional(),
  q: z.string().max(200).optional(),
  sort: z.string().max(500).optional(),
  columns: z.array(z.string().max(64)).max(100).optional(),
  widths: z.record(z.string().max(64), z.number().int().min(40).max(2000)).optional(),
  groupBy: z.array(z.string().max(64)).max(4).optional(),
});

export const ViewInputSchema = z.strictObject({
  object: z.string().max(64),
  kind: z.enum(['view', 'query']),
  name: z.string().trim().min(1).max(100),
  shared: z.boolean().optional(),
  config: ViewConfigSchema,
});

export const ViewPatchSchema = ViewInputSchema.omit({ object: true, kind: true }).partial();

type ViewRow = { id: string; object: string; kind: string; name: string; shared: boolean; owner_id: string; login: string; config: Record<string, unknown>; updated_at: Date };

function readableObject(principal: Principal, name: string): ObjectDef {
  const def = findObject(name);
  if (!def || def.hidden || levelFor(principal, def, 'read') === 'none') throw invalid([{ field: 'object', code: 'invalid_reference' }]);
  return def;
}

/** The filter must compile against the object's metadata as this user sees it. */
async function checkConfig(em: EntityManager, principal: Principal, def: ObjectDef, config: z.infer<typeof ViewConfigSchema>) {
  if (config.filter) {
    await compileFilter(def, config.filter, principal.permissions[def.name]?.deny.read ?? [], { em, principal, alias: 't', depth: 0 }, 'config.filter');
  }
}

function present(row: ViewRow, principal: Principal) {
  return {
    id: row.id,
    object: row.object,
    kind: row.kind as 'view' | 'query',
    name: row.name,
    nameLabel: null,
    shared: row.shared,
    builtin: false,
    mine: row.owner_id === principal.userId,
    owner: { id: row.owner_id, login: row.login },
    config: row.config,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The user's own views and queries, the shared ones, and (for queries) the built-in favourites. */
export async function listViews(em: EntityManager, principal: Principal, object: string, kind?: 'view' | 'query') {
  readableObject(principal, object);
  const rows = await query<ViewRow>(
    em,
    `select v.*, u.login from saved_view v join app_user u on u.id = v.owner_id
      where v.object = ? and (v.owner_id = ? or v.shared) ${kind ? 'and v.kind = ?' : ''} order by v.name`,
    kind ? [object, principal.userId, kind] : [object, principal.userId],
  );
  const builtins = kind === 'view' ? [] : builtinQueries.filter((b) => b.object === object);
  return [
    ...builtins.map((b) => ({
      id: b.id,
      object: b.object,
      kind: 'query' as const,
      name: b.name.en,
      nameLabel: b.name,
      shared: true,
      builtin: true,
      mine: false,
      owner: null,
      config: { filter: b.filter },
      updatedAt: null,
    })),
    ...rows.map((r) => present(r, principal)),
  ];
}

async function loadOwned(em: EntityManager, principal: Principal, id: string): Promise<ViewRow> {
  const [row] = isUuid(id)
    ? await query<ViewRow>(em, `select v.*, u.login from saved_view v join app_user u on u.id = v.owner_id where v.id = ? and (v.owner_id = ? or v.shared)`, [id, principal.userId])
    : [];
  if (!row) throw new AppError('not_found');
  // A shared view is read-only for everyone but its owner and administrators.
  if (row.owner_id !== principal.userId && !principal.isAdmin) throw new AppError('forbidden');
  return row;
}

export async function createView(em: EntityManager, principal: Principal, input: z.infer<typeof ViewInputSchema>) {
  const def = readableObject(principal, input.object);
  await checkConfig(em, principal, def, input.config);
  const id = randomUUID();
  const now = new Date();
  await execute(em, `insert into saved_view (id, object, kind, name, shared, owner_id, config, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    id,
    input.object,
    input.kind,
    input.name,
    input.shared ?? false,
    principal.userId,
    JSON.stringify(input.config),
    now,
    now,
  ]);
  return present((await query<ViewRow>(em, `select v.*, u.login from saved_view v join app_user u on u.id = v.owner_id where v.id = ?`, [id]))[0], principal);
}

export async function updateView(em: EntityManager, principal: Principal, id: string, patch: z.infer<typeof ViewPatchSchema>) {
  const row = await loadOwned(em, principal, id);
  if (patch.config) await checkConfig(em, principal, readableObject(principal, row.object), patch.config);
  await execute(em, `update saved_view set name = ?, shared = ?, config = ?, updated_at = ? where id = ?`, [
    patch.name ?? row.name,
    patch.shared ?? row.shared,
    JSON.stringify(patch.config ?? row.config),
    new Date(),
    id,
  ]);
  return present((await query<ViewRow>(em, `select v.*, u.login from saved_view v join app_user u on u.id = v.owner_id where v.id = ?`, [id]))[0], principal);
}

export async function deleteView(em: EntityManager, principal: Principal, id: string) {
  await loadOwned(em, principal, id);
  await execute(em, `delete from saved_view where id = ?`, [id]);
}

// ---- favourite folders -------------------------------------------------------------------

type FolderRow = { id: string; object: string; name: string; created_at: Date; count: string };

async function loadFolder(em: EntityManager, principal: Principal, id: string): Promise<FolderRow> {
  const [row] = isUuid(id)
    ? await query<FolderRow>(em, `select f.*, (select count(*) from folder_item i where i.folder_id = f.id) as count from folder f where f.id = ? and f.owner_id = ?`, [id, principal.userId])
    : [];
  if (!row) throw new AppError('not_found');
  return row;
}

const presentFolder = (r: FolderRow) => ({ id: r.id, object: r.object, name: r.name, count: Number(r.count), createdAt: new Date(r.created_at).toISOString() });

export async function listFolders(em: EntityManager, principal: Principal, object?: string) {
  const rows = await query<FolderRow>(
    em,
    `select f.*, (select count(*) from folder_item i where i.folder_id = f.id) as count from folder f where f.owner_id = ? ${object ? 'and f.object = ?' : ''} order by f.name`,
    object ? [principal.userId, object] : [principal.userId],
  );
  return rows.map(presentFolder);
}

export async function createFolder(em: EntityManager, principal: Principal, input: { object: string; name: string }) {
  readableObject(principal, input.object);
  const id = randomUUID();
  await execute(em, `insert into folder (id, object, name, owner_id, created_at) values (?, ?, ?, ?, ?)`, [id, input.object, input.name, principal.userId, new Date()]);
  return presentFolder(await loadFolder(em, principal, id));
}

export async function renameFolder(em: EntityManager, principal: Principal, id: string, name: string) {
  await loadFolder(em, principal, id);
  await execute(em, `update folder set name = ? where id = ?`, [name, id]);
  return presentFolder(await loadFolder(em, principal, id));
}

export async function deleteFolder(em: EntityManager, principal: Principal, id: string) {
  await loadFolder(em, principal, id);
  await execute(em, `delete from folder where id = ?`, [id]);
}

/** Adds records the user can read; any other id is refused and nothing is added. */
export async function addToFolder(em: EntityManager, principal: Principal, id: string, ids: string[]) {
  const folder = await loadFolder(em, principal, id);
  const def = readableObject(principal, folder.object);
  const bad: number[] = [];
  for (const [i, recordId] of ids.entries()) if (!(await findRecord(em, def, principal, recordId))) bad.push(i);
  if (bad.length) throw invalid(bad.map((i) => ({ field: `ids.${i}`, code: 'invalid_reference' as const })));
  await em.transactional(async (tem) => {
    for (const recordId of ids) {
      await execute(tem, `insert into folder_item (folder_id, record_id, added_at) values (?, ?, ?) on conflict do nothing`, [id, recordId, new Date()]);
    }
  });
  return presentFolder(await loadFolder(em, principal, id));
}

export async function removeFromFolder(em: EntityManager, principal: Principal, id: string, ids: string[]) {
  await loadFolder(em, principal, id);
  for (const recordId of ids) await execute(em, `delete from folder_item where folder_id = ? and record_id = ?`, [id, recordId]);
  return presentFolder(await loadFolder(em, principal, id));
}
