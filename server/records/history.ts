import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../../db/sql';
import type { Channel } from '../events';
import type { ObjectDef } from './types';

export type HistoryEntry = { field: string; old: unknown; new: unknown; userId: string | null; userLogin: string | null; channel: string; at: string };

/** Appends the changes of tracked fields, inside the write's transaction. */
export async function writeFieldHistory(
  em: EntityManager,
  def: ObjectDef,
  recordId: string,
  changes: Record<string, { old: unknown; new: unknown }>,
  who: { userId: string | null; channel: Channel },
): Promise<void> {
  const tracked = def.fields.filter((f) => f.tracked && f.name in changes);
  if (!tracked.length) return;
  const at = new Date();
  // One statement for all fields: a co-edit write-back runs every second per doc.
  await execute(
    em,
    `insert into field_history (object, record_id, field, old_value, new_value, user_id, channel, at) values ${tracked.map(() => '(?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)').join(', ')}`,
    tracked.flatMap((field) => [def.name, recordId, field.name, JSON.stringify(changes[field.name].old ?? null), JSON.stringify(changes[field.name].new ?? null), who.userId, who.channel, at]),
  );
}

/** The history of a record's tracked fields the reader may see, newest first. */
export async function readFieldHistory(em: EntityManager, def: ObjectDef, recordId: string, readDenied: string[]): Promise<HistoryEntry[]> {
  const rows = await query<{ field: string; old_value: unknown; new_value: unknown; user_id: string | null; login: string | null; channel: string; at: Date }>(
    em,
    `select h.field, h.old_value, h.new_value, h.user_id, u.login, h.channel, h.at
       from field_history h left join app_user u on u.id = h.user_id
      where h.object = ? and h.record_id = ? order by h.at desc, h.id desc limit 1000`,
    [def.name, recordId],
  );
  return rows
    .filter((r) => !readDenied.includes(r.field))
    .map((r) => ({ field: r.field, old: r.old_value, new: r.new_value, userId: r.user_id, userLogin: r.login, channel: r.channel, at: new Date(r.at).toISOString() }));
}
