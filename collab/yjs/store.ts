// Durable state of co-edited docs: collab_doc (compacted snapshot, written_back_id) and
// collab_update (every update that reached a server, appended in batches). All SQL goes
// through db/sql.ts on a fork of the caller's EntityManager.
import * as Y from 'yjs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { execute, query } from '../../db/sql';

type Bytes = Uint8Array;
const asBytes = (v: unknown): Bytes => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer));
const asId = (v: unknown) => Number(String(v));

export type LoadedState = {
  /** Snapshot and updates, merged; null when nothing is stored yet. */
  update: Bytes | null;
  writtenBackId: number;
  /** Highest collab_update id read. */
  maxId: number;
  rows: number;
};

/**
 * Reads a doc's stored state inside `tem` (a transaction), creating its collab_doc row first
 * and holding the row lock, so two nodes opening the same card one after the other never both
 * seed it: the second waits for the first to commit and then sees its snapshot.
 */
export async function lockAndRead(tem: EntityManager, name: string, object: string, recordId: string): Promise<LoadedState> {
  await execute(tem, `insert into collab_doc (name, object, record_id, snapshot, written_back_id, updated_at) values (?, ?, ?, null, 0, ?) on conflict (name) do nothing`, [
    name,
    object,
    recordId,
    new Date(),
  ]);
  const [row] = await query<{ snapshot: unknown; written_back_id: unknown }>(tem, `select snapshot, written_back_id from collab_doc where name = ? for update`, [name]);
  const rows = await query<{ id: unknown; data: unknown }>(tem, `select id, data from collab_update where doc_name = ? order by id`, [name]);
  const parts: Bytes[] = [];
  if (row.snapshot) parts.push(asBytes(row.snapshot));
  for (const r of rows) parts.push(asBytes(r.data));
  return {
    update: parts.length ? (parts.length === 1 ? parts[0] : Y.mergeUpdates(parts)) : null,
    writtenBackId: asId(row.written_back_id),
    maxId: rows.length ? asId(rows[rows.length - 1].id) : 0,
    rows: rows.length,
  };
}

/** Stores the first state of a doc as its snapshot (inside the load transaction). */
export async function writeSeed(tem: EntityManager, name: string, snapshot: Bytes): Promise<void> {
  await execute(tem, `update collab_doc set snapshot = ?, updated_at = ? where name = ?`, [Buffer.from(snapshot), new Date(), name]);
}

/** Appends one update inside the load transaction (fields added or removed since the doc was made). */
export async function appendUpdate(tem: EntityManager, name: string, data: Bytes, userId: string | null): Promise<number> {
  const [row] = await query<{ id: unknown }>(tem, `insert into collab_update (doc_name, data, user_id, created_at) values (?, ?, ?, ?) returning id`, [
    name,
    Buffer.from(data),
    userId,
    new Date(),
  ]);
  return asId(row.id);
}

/** Marks everything up to `id` as written back to the record's columns (never moves back). */
export async function markWrittenBack(em: EntityManager, name: string, id: number): Promise<void> {
  await execute(em, `update collab_doc set written_back_id = greatest(written_back_id, ?), updated_at = ? where name = ?`, [id, new Date(), name]);
}

/** The user of the newest update that has one: who a recovered write-back is made as. */
export async function lastEditor(em: EntityManager, name: string): Promise<string | null> {
  const [row] = await query<{ user_id: string }>(em, `select user_id from collab_update where doc_name = ? and user_id is not null order by id desc limit 1`, [name]);
  return row?.user_id ?? null;
}

/**
 * Folds the updates already written back (`id <= written_back_id`) into the snapshot, under
 * the row lock. Done through a Y.Doc rather than Y.mergeUpdates so deleted text is garbage
 * collected instead of kept forever. Returns the rows left.
 */
export async function compact(em: EntityManager, name: string): Promise<number> {
  return em.transactional(async (tem) => {
    const [row] = await query<{ snapshot: unknown; written_back_id: unknown }>(tem, `select snapshot, written_back_id from collab_doc where name = ? for update`, [name]);
    if (!row) return 0;
    const upTo = asId(row.written_back_id);
    const folded = await query<{ data: unknown }>(tem, `select data from collab_update where doc_name = ? and id <= ? order by id`, [name, upTo]);
    if (folded.length) {
      const doc = new Y.Doc();
      if (row.snapshot) Y.applyUpdate(doc, asBytes(row.snapshot));
      Y.applyUpdate(doc, Y.mergeUpdates(folded.map((r) => asBytes(r.data))));
      const snapshot = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      await execute(tem, `update collab_doc set snapshot = ?, updated_at = ? where name = ?`, [Buffer.from(snapshot), new Date(), name]);
      await execute(tem, `delete from collab_update where doc_name = ? and id <= ?`, [name, upTo]);
    }
    const [{ n }] = await query<{ n: unknown }>(tem, `select count(*) as n from collab_update where doc_name = ?`, [name]);
    return asId(n);
  });
}

/** Forgets a deleted record's doc. */
export async function deleteDocRows(em: EntityManager, name: string): Promise<void> {
  await em.transactional(async (tem) => {
    await execute(tem, `delete from collab_update where doc_name = ?`, [name]);
    await execute(tem, `delete from collab_doc where name = ?`, [name]);
  });
}

/** Which of these docs have a stored state (a card was opened on them once). */
export async function storedDocs(em: EntityManager, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = await query<{ name: string }>(em, `select name from collab_doc where name in (${names.map(() => '?').join(', ')})`, names);
  return new Set(rows.map((r) => r.name));
}

/** Docs with updates that never reached the record's columns (a node died before writing back). */
export async function docsToRecover(em: EntityManager): Promise<{ name: string; object: string; recordId: string }[]> {
  return query<{ name: string; object: string; recordId: string }>(
    em,
    `select d.name, d.object, d.record_id as "recordId" from collab_doc d
      where exists (select 1 from collab_update u where u.doc_name = d.name and u.id > d.written_back_id)`,
  );
}

/** Whoever appends to the log: told what became durable after each batch. */
export type LogOwner = {
  readonly name: string;
  /** Called when a batch holding this owner's updates is cut: what is about to become durable. */
  cut(): Bytes;
  /**
   * The batch committed: `maxId` is its highest row id for this owner, `cutState` what cut()
   * returned (null when some of the owner's updates wait for the next batch).
   */
  persisted(maxId: number, rows: number, cutState: Bytes | null): void;
};

type Entry = { owner: LogOwner; data: Bytes; userId: string | null; serial: number };

const BATCH_ROWS = 500;

/**
 * The update log of this node: every update that reaches the server is queued here and written
 * within a few milliseconds, many per multi-row INSERT. Only one batch is in flight at a time,
 * so when a batch commits everything queued before it has committed too. Rows of a doc whose
 * collab_doc row is gone (record deleted meanwhile) are not written.
 */
export class UpdateLog {
  private pending: Entry[] = [];
  private serial = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;

  constructor(
    private readonly fork: () => EntityManager,
    private readonly log: Logger,
    private readonly delayMs = 5,
  ) {}

  add(owner: LogOwner, data: Bytes, userId: string | null): void {
    this.pending.push({ owner, data, userId, serial: ++this.serial });
    this.schedule(this.delayMs);
  }

  /** Drops what is queued for an owner (its record was deleted). */
  drop(owner: LogOwner): void {
    this.pending = this.pending.filter((e) => e.owner !== owner);
  }

  /**
   * Resolves once everything queued before the call is committed (retrying while the database
   * is away); what others queue meanwhile does not keep it waiting.
   */
  async flush(): Promise<void> {
    const target = this.serial;
    for (;;) {
      if (this.running) await this.running;
      else if (this.pending.length && this.pending[0].serial <= target) await this.runBatch();
      else return;
    }
  }

  private schedule(ms: number) {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runBatch();
    }, ms);
  }

  private runBatch(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending.splice(0, BATCH_ROWS);
    if (!batch.length) return Promise.resolve();
    // A doc with updates left for the next batch is not durable up to its current state yet.
    const split = new Set(this.pending.map((e) => e.owner));
    const cuts = new Map<LogOwner, Bytes | null>();
    for (const e of batch) if (!cuts.has(e.owner)) cuts.set(e.owner, split.has(e.owner) ? null : e.owner.cut());
    this.running = this.write(batch)
      .then((byName) => {
        this.failures = 0;
        for (const [owner, cut] of cuts) {
          const s = byName.get(owner.name);
          owner.persisted(s?.maxId ?? 0, s?.rows ?? 0, cut);
        }
      })
      .catch((err: unknown) => {
        // Nothing is lost: the batch goes back in front and is retried with a growing pause.
        this.pending.unshift(...batch);
        this.failures++;
        this.log.error({ err, rows: batch.length, failures: this.failures }, 'writing co-editing updates failed; retrying');
        return new Promise<void>((r) => setTimeout(r, Math.min(5000, 100 * 2 ** this.failures)));
      })
      .finally(() => {
        this.running = null;
        if (this.pending.length) this.schedule(0);
      });
    return this.running;
  }

  /** One INSERT for the batch; returns the highest row id and the row count per doc name. */
  private async write(batch: Entry[]): Promise<Map<string, { maxId: number; rows: number }>> {
    // One row per doc and user per batch: their updates merged (Yjs updates commute), so a busy
    // doc adds one row per flush rather than one per keystroke.
    const groups = new Map<string, { name: string; userId: string | null; data: Bytes[] }>();
    for (const e of batch) {
      const key = `${e.owner.name}\u0000${e.userId ?? ''}`;
      const g = groups.get(key) ?? { name: e.owner.name, userId: e.userId, data: [] };
      g.data.push(e.data);
      groups.set(key, g);
    }
    const rowsIn = [...groups.values()];
    const values = rowsIn.map(() => `(?::varchar, ?::bytea, ?::uuid, ?::int)`).join(', ');
    const bindings = rowsIn.flatMap((g, i) => [g.name, Buffer.from(g.data.length === 1 ? g.data[0] : Y.mergeUpdates(g.data)), g.userId, i]);
    const rows = await query<{ id: unknown; doc_name: string }>(
      this.fork(),
      `insert into collab_update (doc_name, data, user_id, created_at)
       select v.doc_name, v.data, v.user_id, ?::timestamptz from (values ${values}) as v(doc_name, data, user_id, seq)
        where exists (select 1 from collab_doc d where d.name = v.doc_name)
        order by v.seq
       returning id, doc_name`,
      [new Date(), ...bindings],
    );
    const byName = new Map<string, { maxId: number; rows: number }>();
    for (const r of rows) {
      const s = byName.get(r.doc_name) ?? { maxId: 0, rows: 0 };
      s.maxId = Math.max(s.maxId, asId(r.id));
      s.rows++;
      byName.set(r.doc_name, s);
    }
    return byName;
  }
}
