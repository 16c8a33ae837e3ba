// The co-editing store on a real database: the batched update log and what it reports as
// durable, the row lock that seeds a doc once, compaction up to written_back_id.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { compact, lockAndRead, markWrittenBack, UpdateLog, writeSeed, type LogOwner } from '../../collab/yjs/store';
import { query } from '../../db/sql';

let t: TestApp;
const fork = () => t.services.db.orm.em.fork();

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** An owner that records what the log tells it. */
function owner(name: string) {
  let cuts = 0;
  const reports: { maxId: number; rows: number; cut: Uint8Array | null }[] = [];
  const o: LogOwner & { reports: typeof reports; cuts(): number } = {
    name,
    cut: () => new Uint8Array([++cuts]),
    persisted: (maxId, rows, cut) => reports.push({ maxId, rows, cut }),
    reports,
    cuts: () => cuts,
  };
  return o;
}

async function newDoc(): Promise<string> {
  const name = `customer:${randomUUID()}`;
  await fork().transactional((tem) => lockAndRead(tem, name, 'customer', name.slice(9)));
  return name;
}

/** Real Yjs updates (the log merges a doc's updates per batch): one character each. */
function edits(n: number): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) doc.getText('t').insert(i, String(i % 10));
  return out;
}

const rowsOf = async (name: string) =>
  (await query<{ id: string | number; data: Uint8Array }>(fork(), `select id, data from collab_update where doc_name = ? order by id`, [name])).map((r) => ({ id: Number(r.id), data: r.data }));

describe('the update log', () => {
  it('writes a batch in one INSERT, one row per doc and user, and reports the highest id and the cut state per doc', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const [a, b] = [owner(await newDoc()), owner(await newDoc())];
    const [e1, e2, e3, e4] = edits(4);
    const someone = randomUUID();
    log.add(a, e1, null);
    log.add(b, e2, null);
    log.add(a, e3, someone);
    log.add(a, e4, someone);
    await log.flush();
    const rowsA = await query<{ id: string | number; data: Uint8Array; user_id: string | null }>(fork(), `select id, data, user_id from collab_update where doc_name = ? order by id`, [a.name]);
    expect(rowsA.map((r) => r.user_id)).toEqual([null, someone]);
    // The user's two updates are one row that holds both.
    const merged = new Y.Doc();
    Y.applyUpdate(merged, e1);
    Y.applyUpdate(merged, e2);
    Y.applyUpdate(merged, rowsA[1].data);
    expect(merged.getText('t').toString()).toBe('0123');
    expect(a.reports).toEqual([{ maxId: Number(rowsA[1].id), rows: 2, cut: new Uint8Array([1]) }]);
    expect(b.reports).toHaveLength(1);
    expect(b.reports[0].rows).toBe(1);
  });

  it('does not report a doc durable while part of its updates wait for the next batch', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const a = owner(await newDoc());
    const all = edits(650);
    for (const e of all) log.add(a, e, null);
    await log.flush();
    expect(a.reports.map((r) => [r.rows, r.cut === null])).toEqual([
      [1, true],
      [1, false],
    ]);
    const rows = await rowsOf(a.name);
    expect(rows).toHaveLength(2);
    const doc = new Y.Doc();
    for (const r of rows) Y.applyUpdate(doc, r.data);
    expect(doc.getText('t').length).toBe(650);
  });

  it('skips the updates of a doc whose stored row is gone (its record was deleted)', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const ghost = owner(`customer:${randomUUID()}`);
    const real = owner(await newDoc());
    const [e1, e2] = edits(2);
    log.add(ghost, e1, null);
    log.add(real, e2, null);
    await log.flush();
    expect(await rowsOf(ghost.name)).toEqual([]);
    expect(ghost.reports).toEqual([{ maxId: 0, rows: 0, cut: new Uint8Array([1]) }]);
    expect(await rowsOf(real.name)).toHaveLength(1);
  });

  it('lets flush() return for what was queued before it, however much is queued after', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const a = owner(await newDoc());
    const many = edits(100_000);
    log.add(a, many[0], null);
    let stop = false;
    let added = 1;
    const flood = (async () => {
      for (; !stop && added < many.length; added++) {
        log.add(a, many[added], null);
        await new Promise((r) => setImmediate(r));
      }
    })();
    // Would never return if it waited for the queue to be empty.
    await log.flush();
    stop = true;
    await flood;
    await log.flush();
    const doc = new Y.Doc();
    for (const r of await rowsOf(a.name)) Y.applyUpdate(doc, r.data);
    expect(doc.getText('t').length).toBe(added);
  });
});

describe('stored state', () => {
  it('seeds once under the row lock, then reads snapshot plus updates; compaction folds what was written back', async () => {
    const name = `customer:${randomUUID()}`;
    const seed = new Y.Doc();
    seed.getMap('fields').set('grade', 'A');
    const first = await fork().transactional(async (tem) => {
      const s = await lockAndRead(tem, name, 'customer', name.slice(9));
      await writeSeed(tem, name, Y.encodeStateAsUpdate(seed));
      return s;
    });
    expect(first).toMatchObject({ update: null, writtenBackId: 0, rows: 0 });

    // Three edits appended by the log.
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const o = owner(name);
    const edits: Uint8Array[] = [];
    seed.on('update', (u: Uint8Array) => edits.push(u));
    for (const g of ['B', 'C', 'D']) seed.getMap('fields').set('grade', g);
    for (const e of edits) {
      log.add(o, e, null);
      await log.flush();
    }
    const ids = (await rowsOf(name)).map((r) => r.id);
    expect(ids).toHaveLength(3);

    // Only what was written back is folded.
    await markWrittenBack(fork(), name, ids[1]);
    await markWrittenBack(fork(), name, ids[0]); // never moves back
    expect(await compact(fork(), name)).toBe(1);
    expect((await rowsOf(name)).map((r) => r.id)).toEqual([ids[2]]);

    const again = await fork().transactional((tem) => lockAndRead(tem, name, 'customer', name.slice(9)));
    expect(again).toMatchObject({ writtenBackId: ids[1], maxId: ids[2], rows: 1 });
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, again.update!);
    expect(loaded.getMap('fields').get('grade')).toBe('D');
  });
});
