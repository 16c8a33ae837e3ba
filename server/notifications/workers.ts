import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../context';
import type { RecordChanged } from '../events';
import { loadPrincipal, type Principal } from '../auth/principal';
import { query } from '../../db/sql';
import { findObject } from '../records/registry';
import { col, findRecord, ident, levelFor } from '../records/query';
import type { FieldDef, ObjectDef } from '../records/types';
import { todayInZone } from '../time';
import { displayNames } from '../messages/service';
import { excerpt, findMentions, mentionCandidates } from '../messages/mentions';
import { notify, sendDueNotifications } from './service';
import { systemName, texts } from './texts';

export type WorkerTimings = {
  /** How often scheduled notifications are looked for. */
  tickMs: number;
  /** How often birthdays are checked (also once at start). */
  birthdayMs: number;
  /** Record changes are handled in batches gathered over this long. */
  batchMs: number;
};

export const defaultWorkerTimings: WorkerTimings = { tickMs: 5_000, birthdayMs: 60 * 60_000, batchMs: 1_000 };

/** Above this many assignments to one person by one writer in one batch, one summary is sent. */
const SUMMARY_ABOVE = 5;
const CHUNK = 1000;

const chunks = <T>(items: T[], size = CHUNK): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Greets employees on their birthday (in the company's time zone): their own user gets one
 * notification a year, whichever node gets there first (`birthday:<year>` dedupes). Someone born
 * on 29 February is greeted on the 28th in other years. Returns how many were sent now.
 */
export async function sendBirthdayGreetings(services: Services, now = new Date()): Promise<number> {
  const em = services.db.orm.em.fork();
  const today = todayInZone(now);
  const [year, month, day] = today.split('-').map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days: [number, number][] = [[month, day]];
  if (month === 2 && day === 28 && !leap) days.push([2, 29]);
  const rows = await query<{ user_id: string; name: string }>(
    em,
    `select u.id as user_id, e.name from employee e join app_user u on u.employee_id = e.id
      where u.active and e.active and e.birthday is not null
        and (${days.map(() => '(extract(month from e.birthday) = ? and extract(day from e.birthday) = ?)').join(' or ')})`,
    days.flat(),
  );
  let sent = 0;
  for (const row of rows) {
    const dto = await notify(services, em, {
      userId: row.user_id,
      kind: 'birthday',
      title: texts.birthday(row.name),
      body: texts.birthdayBody,
      data: { date: today },
      dedupeKey: `birthday:${year}`,
    });
    if (dto) sent++;
  }
  return sent;
}

/** The relation field behind an object's `own` scope, when it points at an employee. */
function ownerFieldOf(def: ObjectDef): FieldDef | undefined {
  if (!def.scope.owner || def.scope.owner === 'id') return undefined;
  return def.fields.find((f) => f.column === def.scope.owner && f.type === 'relation' && f.relation === 'employee');
}

/** Principals of recipients, loaded once per batch. */
function principalLoader(em: EntityManager) {
  const cache = new Map<string, Promise<Principal | null>>();
  return (userId: string) => {
    let p = cache.get(userId);
    if (!p) cache.set(userId, (p = loadPrincipal(em, userId)));
    return p;
  };
}

/**
 * `assigned`: the owner of a record became an employee whose user is not the writer. Several
 * assignments of one object to one person by one writer in one batch (an import, a bulk assign)
 * become one summary notification instead of a flood.
 */
async function notifyAssignments(services: Services, em: EntityManager, def: ObjectDef, events: RecordChanged[], names: Map<string, string>, principalOf: (id: string) => Promise<Principal | null>): Promise<void> {
  const owner = ownerFieldOf(def);
  if (!owner) return;
  const relevant = events.filter((e) => e.action !== 'delete' && e.fields.includes(owner.name));
  if (!relevant.length) return;
  const title = def.fields.find((f) => f.name === def.titleField);
  const current = new Map<string, { owner: string | null; title: string | null }>();
  for (const part of chunks([...new Set(relevant.map((e) => e.id))])) {
    const rows = await query<{ id: string; owner: string | null; title: string | null }>(
      em,
      `select t.id, ${col(owner)} as owner, ${title ? `${col(title)}::text` : 'null'} as title from ${ident(def.table)} t where t.id in (${marks(part.length)})`,
      part,
    );
    for (const r of rows) current.set(r.id, { owner: r.owner, title: r.title });
  }
  const employees = [...new Set([...current.values()].map((v) => v.owner).filter((v): v is string => Boolean(v)))];
  const userOf = new Map<string, string>();
  for (const part of chunks(employees)) {
    const rows = await query<{ id: string; employee_id: string }>(em, `select id, employee_id from app_user where active and employee_id in (${marks(part.length)})`, part);
    for (const r of rows) userOf.set(r.employee_id, r.id);
  }
  // recipient + writer → the records assigned in this batch
  const groups = new Map<string, { recipient: string; writer: string | null; ids: string[] }>();
  for (const e of relevant) {
    const rec = current.get(e.id);
    const recipient = rec?.owner ? userOf.get(rec.owner) : undefined;
    if (!recipient || recipient === e.userId) continue;
    const key = `${recipient}|${e.userId ?? ''}`;
    const g = groups.get(key) ?? { recipient, writer: e.userId, ids: [] };
    if (!g.ids.includes(e.id)) g.ids.push(e.id);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const principal = await principalOf(g.recipient);
    if (!principal || levelFor(principal, def, 'read') === 'none') continue;
    const who = g.writer ? (names.get(g.writer) ?? systemName) : systemName;
    if (g.ids.length > SUMMARY_ABOVE) {
      await notify(services, em, { userId: g.recipient, kind: 'assigned', title: texts.assignedMany(who, def.pluralLabel, g.ids.length), link: `/records/${def.name}`, data: { object: def.name, count: g.ids.length, by: g.writer } });
      continue;
    }
    for (const id of g.ids) {
      // Only what the recipient may read is announced (the title is in the text).
      if (!(await findRecord(em, def, principal, id))) continue;
      await notify(services, em, {
        userId: g.recipient,
        kind: 'assigned',
        title: texts.assigned(who, def.label, current.get(id)?.title ?? ''),
        link: `/records/${def.name}/${id}`,
        data: { object: def.name, id, by: g.writer },
      });
    }
  }
}

/**
 * `mention`: an @mention newly present in a long text field of a record (compared with the value
 * before the write, from the operation log). Once per record, person and day.
 */
async function notifyRecordMentions(services: Services, em: EntityManager, def: ObjectDef, events: RecordChanged[], names: Map<string, string>, principalOf: (id: string) => Promise<Principal | null>): Promise<void> {
  const longTexts = def.fields.filter((f) => f.type === 'longText');
  const relevant = events.filter((e) => e.action !== 'delete' && longTexts.some((f) => e.fields.includes(f.name)));
  if (!relevant.length) return;
  const title = def.fields.find((f) => f.name === def.titleField);
  const values = new Map<string, Record<string, unknown>>();
  for (const part of chunks([...new Set(relevant.map((e) => e.id))])) {
    // Only rows whose long texts hold an @ at all are worth a closer look.
    const rows = await query<Record<string, unknown>>(
      em,
      `select t.id, ${title ? `${col(title)}::text` : 'null'} as _title, ${longTexts.map((f) => `${col(f)} as ${ident(f.name)}`).join(', ')}
         from ${ident(def.table)} t where t.id in (${marks(part.length)}) and (${longTexts.map((f) => `${col(f)} like '%@%'`).join(' or ')})`,
      part,
    );
    for (const r of rows) values.set(r.id as string, r);
  }
  if (!values.size) return;
  const candidates = await mentionCandidates(em);
  const today = todayInZone();
  for (const e of relevant) {
    const row = values.get(e.id);
    if (!row) continue;
    let before: Record<string, { old: unknown }> = {};
    if (e.action === 'update') {
      const [log] = await query<{ changes: Record<string, { old: unknown }> | string }>(
        em,
        `select changes from operation_log where object = ? and record_id = ? and action = 'update' and at <= ? order by id desc limit 1`,
        [def.name, e.id, new Date(e.at)],
      );
      if (log) before = typeof log.changes === 'string' ? JSON.parse(log.changes) : log.changes;
    }
    for (const field of longTexts) {
      if (!e.fields.includes(field.name) || typeof row[field.name] !== 'string') continue;
      const text = row[field.name] as string;
      const old = typeof before[field.name]?.old === 'string' ? (before[field.name].old as string) : '';
      const had = new Set(findMentions(old, candidates));
      for (const userId of findMentions(text, candidates)) {
        if (had.has(userId) || userId === e.userId) continue;
        const principal = await principalOf(userId);
        if (!principal || (principal.permissions[def.name]?.deny.read ?? []).includes(field.name)) continue;
        if (!(await findRecord(em, def, principal, e.id))) continue;
        const who = e.userId ? (names.get(e.userId) ?? systemName) : systemName;
        await notify(services, em, {
          userId,
          kind: 'mention',
          title: texts.mentionInRecord(who, def.label, (row._title as string | null) ?? ''),
          body: excerpt(text),
          link: `/records/${def.name}/${e.id}`,
          data: { object: def.name, id: e.id, field: field.name, by: e.userId },
          dedupeKey: `mention:${def.name}:${e.id}:${today}`,
        });
      }
    }
  }
}

/** Handles one batch of local record changes: assignments and mentions, object by object. */
async function handleRecordChanges(services: Services, events: RecordChanged[]): Promise<void> {
  const em = services.db.orm.em.fork();
  const names = await displayNames(em, events.map((e) => e.userId).filter((u): u is string => Boolean(u)));
  const principalOf = principalLoader(em);
  const byObject = new Map<string, RecordChanged[]>();
  for (const e of events) byObject.set(e.object, [...(byObject.get(e.object) ?? []), e]);
  for (const [object, list] of byObject) {
    const def = findObject(object);
    if (!def) continue;
    await notifyAssignments(services, em, def, list, names, principalOf);
    await notifyRecordMentions(services, em, def, list, names, principalOf);
  }
}

/**
 * Starts the notification work of this node: the ticker that sends scheduled notifications when
 * due, the birthday check (at start and hourly), and notifications that follow record writes
 * made on this node (`assigned`, `mention`) — never for events relayed from other nodes, whose
 * own workers handle them.
 */
export function startNotificationWorkers(services: Services, timings: WorkerTimings = defaultWorkerTimings): { close(): Promise<void> } {
  const { log, bus } = services;
  let closed = false;
  let ticking: Promise<unknown> | null = null;
  const tick = () => {
    if (ticking || closed) return;
    ticking = sendDueNotifications(services, services.db.orm.em.fork())
      .catch((err) => log.error({ err }, 'sending scheduled notifications failed'))
      .finally(() => (ticking = null));
  };
  const ticker = setInterval(tick, timings.tickMs);
  tick();

  let greeting: Promise<unknown> | null = null;
  const greet = () => {
    if (greeting || closed) return;
    greeting = sendBirthdayGreetings(services)
      .catch((err) => log.error({ err }, 'birthday greetings failed'))
      .finally(() => (greeting = null));
  };
  const birthdays = setInterval(greet, timings.birthdayMs);
  greet();

  let pending: RecordChanged[] = [];
  let timer: NodeJS.Timeout | null = null;
  let handling: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    // Batches run one after another, so notifications keep the order of the writes.
    handling = handling.then(() => handleRecordChanges(services, batch)).catch((err) => log.error({ err }, 'record notifications failed'));
  };
  const off = bus.on('record.changed', (event, meta) => {
    if (meta.remote || closed) return;
    pending.push(event);
    timer ??= setTimeout(flush, timings.batchMs);
  });

  return {
    async close() {
      closed = true;
      off();
      clearInterval(ticker);
      clearInterval(birthdays);
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await Promise.allSettled([handling, ticking, greeting]);
    },
  };
}
