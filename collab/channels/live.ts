import { z } from 'zod';
import type { Services } from '../../server/context';
import type { RecordChanged, RecordChangedAction } from '../../server/events';
import { AppError } from '../../server/errors';
import { parseOrThrow } from '../../server/validation';
import { findObject } from '../../server/records/registry';
import { fetchPage, findRecord, levelFor, type RecordDto } from '../../server/records/query';
import type { RecordChangeDto } from './events';
import { answer, byUser, channelTimings, localSockets, viewerOf, type ChannelSocket, type IO, type Viewers } from './context';

/** Above this many changed rows of one object in one window, list watchers are told to refetch. */
export const REFETCH_ABOVE = 50;

const WatchInput = z.strictObject({ object: z.string().min(1).max(64), id: z.uuid().optional() });

export const listRoom = (object: string) => `records:${object}`;
export const cardRoom = (object: string, id: string) => `record:${object}:${id}`;

type Pending = { action: RecordChangedAction; fields: Set<string>; userId: string | null; at: string };

/**
 * Live lists and cards. A socket watches an object's lists or one record after a read check.
 * Record changes (from this node or relayed from others) are coalesced per object for a moment;
 * then each user watching on this node gets the changed rows as they may read them, fetched with
 * one query per user (scope and read-denied fields applied), and nothing about rows they cannot
 * see — except that a row which left their scope is removed from their lists.
 */
export function attachLiveRecords(io: IO, services: Services, viewers: Viewers) {
  const { log, bus } = services;
  const pending = new Map<string, Map<string, Pending>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const off = bus.on('record.changed', (e: RecordChanged) => {
    if (closed) return;
    const rows = pending.get(e.object) ?? new Map<string, Pending>();
    pending.set(e.object, rows);
    const prev = rows.get(e.id);
    if (!prev) rows.set(e.id, { action: e.action, fields: new Set(e.fields), userId: e.userId, at: e.at });
    else {
      // created-then-edited is still new to a list; anything then deleted is gone.
      prev.action = e.action === 'delete' ? 'delete' : prev.action === 'create' ? 'create' : e.action;
      for (const f of e.fields) prev.fields.add(f);
      prev.userId = e.userId;
      prev.at = e.at;
    }
    if (!timers.has(e.object)) timers.set(e.object, setTimeout(() => void flush(e.object), channelTimings.liveDebounceMs));
  });

  async function flush(object: string): Promise<void> {
    timers.delete(object);
    const changes = pending.get(object);
    pending.delete(object);
    if (!changes?.size || closed) return;
    const def = findObject(object);
    if (!def) return;
    const listSockets = localSockets(io, listRoom(object));
    const cardSockets = new Map<string, ChannelSocket[]>();
    for (const id of changes.keys()) {
      const s = localSockets(io, cardRoom(object, id));
      if (s.length) cardSockets.set(id, s);
    }
    if (!listSockets.length && !cardSockets.size) return;
    const refetch = changes.size > REFETCH_ABOVE;
    const scopeFields = def.fields.filter((f) => f.column === def.scope.owner || f.column === def.scope.department).map((f) => f.name);
    const users = byUser([...listSockets, ...[...cardSockets.values()].flat()]);
    const em = services.db.orm.em.fork();
    for (const [userId, sockets] of users) {
      try {
        const viewer = await viewers.get(userId);
        if (!viewer || levelFor(viewer.principal, def, 'read') === 'none') continue;
        const { principal } = viewer;
        const denied = principal.permissions[def.name]?.deny.read ?? [];
        const lists = sockets.filter((s) => s.rooms.has(listRoom(object)));
        const cards = [...cardSockets.entries()].map(([id, list]) => [id, list.filter((s) => s.data.userId === userId)] as const).filter(([, list]) => list.length);
        // The rows this user needs: every changed one for a list (unless it is told to refetch), and the open cards.
        const wanted = new Set<string>();
        if (lists.length && !refetch) for (const [id, p] of changes) if (p.action !== 'delete') wanted.add(id);
        for (const [id] of cards) if (changes.get(id)!.action !== 'delete') wanted.add(id);
        const rows = new Map<string, RecordDto>();
        if (wanted.size) {
          const ids = [...wanted];
          const found = ids.length === 1 ? [await findRecord(em, def, principal, ids[0])].filter((r): r is RecordDto => r !== null) : (await fetchPage(em, def, principal, { filter: { field: 'id', op: 'in', value: ids }, limit: ids.length, offset: 0 })).items;
          for (const r of found) rows.set(r.id, r);
        }
        const dto = (id: string, p: Pending): RecordChangeDto | null => {
          const base = { object, id, fields: [...p.fields].filter((f) => !denied.includes(f)), userId: p.userId, at: p.at };
          if (p.action === 'delete') return { ...base, action: 'delete' };
          const record = rows.get(id);
          if (record) return { ...base, action: p.action, record };
          // Not readable: when the change touched what decides scope (owner, department), it
          // may just have left this viewer's lists; otherwise it was never there — say nothing.
          return p.action === 'update' && scopeFields.some((f) => p.fields.has(f)) ? { ...base, action: 'delete' } : null;
        };
        if (lists.length) {
          if (refetch) {
            const last = [...changes.values()].at(-1)!;
            for (const s of lists) s.emit('record:changed', { object, id: '*', action: 'update', fields: [], userId: null, at: last.at });
          } else {
            for (const [id, p] of changes) {
              const change = dto(id, p);
              if (change) for (const s of lists) s.emit('record:changed', change);
            }
          }
        }
        for (const [id, list] of cards) {
          const change = dto(id, changes.get(id)!);
          // A card already watched through a list socket got the change there.
          if (change) for (const s of list) if (!lists.includes(s) || refetch) s.emit('record:changed', change);
        }
      } catch (err) {
        log.error({ err, object, userId }, 'live record push failed');
      }
    }
  }

  return {
    register(socket: ChannelSocket): void {
      socket.on('records:watch', (input, ack) =>
        answer(log, ack, async () => {
          const { object, id } = parseOrThrow(WatchInput, input);
          const def = findObject(object);
          if (!def || def.hidden) throw new AppError('not_found');
          const { principal } = await viewerOf(viewers, socket);
          if (levelFor(principal, def, 'read') === 'none') throw new AppError('forbidden');
          if (id) {
            if (!(await findRecord(services.db.orm.em.fork(), def, principal, id))) throw new AppError('not_found');
            await socket.join(cardRoom(object, id));
          } else await socket.join(listRoom(object));
          return null;
        }),
      );
      socket.on('records:unwatch', (input) => {
        const parsed = WatchInput.safeParse(input);
        if (!parsed.success) return;
        void socket.leave(parsed.data.id ? cardRoom(parsed.data.object, parsed.data.id) : listRoom(parsed.data.object));
      });
    },
    close(): void {
      closed = true;
      off();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      pending.clear();
    },
  };
}
