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

const rowsOf = async (name: string) =>
  (await query<{ id: string | number; data: Uint8Array }>(fork(), `select id, data from collab_update where doc_name = ? order by id`, [name])).map((r) => ({ id: Number(r.id), data: r.data }));

describe('the update log', () => {
  it('writes queued updates in one batch and reports the highest id and the cut state per doc', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const [a, b] = [owner(await newDoc()), owner(await newDoc())];
    log.add(a, new Uint8Array([1]), null);
    log.add(b, new Uint8Array([2]), null);
    log.add(a, new Uint8Array([3]), randomUUID());
    await log.flush();
    const rowsA = await rowsOf(a.name);
    expect(rowsA.map((r) => [...r.data])).toEqual([[1], [3]]);
    expect(a.reports).toEqual([{ maxId: rowsA[1].id, rows: 2, cut: new Uint8Array([1]) }]);
    expect(b.reports).toHaveLength(1);
    expect(b.reports[0].rows).toBe(1);
  });

  it('does not report a doc durable while part of its updates wait for the next batch', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const a = owner(await newDoc());
    for (let i = 0; i < 650; i++) log.add(a, new Uint8Array([i % 256]), null);
    await log.flush();
    expect(a.reports.map((r) => [r.rows, r.cut === null])).toEqual([
      [500, true],
      [150, false],
    ]);
    expect(await rowsOf(a.name)).toHaveLength(650);
  });

  it('skips the updates of a doc whose stored row is gone (its record was deleted)', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const ghost = owner(`customer:${randomUUID()}`);
    const real = owner(await newDoc());
    log.add(ghost, new Uint8Array([9]), null);
    log.add(real, new Uint8Array([8]), null);
    await log.flush();
    expect(await rowsOf(ghost.name)).toEqual([]);
    expect(ghost.reports).toEqual([{ maxId: 0, rows: 0, cut: new Uint8Array([1]) }]);
    expect(await rowsOf(real.name)).toHaveLength(1);
  });

  it('lets flush() return for what was queued before it, however much is queued after', async () => {
    const log = new UpdateLog(fork, pino({ level: 'silent' }), 5);
    const a = owner(await newDoc());
    log.add(a, new Uint8Array([1]), null);
    let stop = false;
    const flood = (async () => {
      while (!stop) {
        log.add(a, new Uint8Array([2]), null);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await log.flush();
    stop = true;
    await flood;
    await log.flush();
    expect((await rowsOf(a.name)).length).toBeGreaterThan(1);
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
    for (const e of edits) log.add(o, e, null);
    await log.flush();
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
