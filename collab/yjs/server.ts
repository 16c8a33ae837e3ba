// The co-editing server: y-websocket protocol at /collab/<object>:<id> on the shared HTTP server.
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Services } from '../../server/context';
import type { RecordChanged, EventMeta } from '../../server/events';
import { findRecord, levelFor } from '../../server/records/query';
import { findObject } from '../../server/records/registry';
import type { ObjectDef } from '../../server/records/types';
import { authenticateUpgrade } from '../auth';
import { loadPrincipal, type Principal } from '../../server/auth/principal';
import { Conn, defaultOptions, RecordGone, SharedDoc, type DocHost, type YjsOptions } from './doc';
import { closeCodes, docNameOf, encodeNotice, parseDocName } from './protocol';
import { YjsRelay } from './relay';
import { deleteDocRows, docsToRecover, storedDocs, UpdateLog } from './store';
import { watchSessions } from '../sessions';

const PATH = '/collab/';
const PRINCIPAL_TTL_MS = 5000;

/** What tests and benchmarks may look at. */
export type YjsServer = {
  close(): Promise<void>;
  /** Open docs on this node, by name. */
  docs: ReadonlyMap<string, SharedDoc>;
  /** Resolves when the start-up recovery of docs a dead node left has finished. */
  recovered: Promise<void>;
};

/**
 * Attaches the y-websocket co-editing server to the HTTP server: authenticates upgrades on
 * /collab/<object>:<id>, keeps one shared doc per open card (persisted, relayed to the other
 * nodes over Redis, written back to the record's columns), and closes connections whose
 * session ended or whose record was deleted.
 */
export async function attachYjs(http: ServerType, services: Services, overrides: Partial<YjsOptions> = {}): Promise<YjsServer> {
  const options: YjsOptions = { ...defaultOptions, ...overrides };
  const log = services.log.child({ module: 'collab/yjs' });
  const fork = () => services.db.orm.em.fork();
  const updates = new UpdateLog(fork, log, options.flushMs);
  const relay = services.env.REDIS_URL ? new YjsRelay(services.env.REDIS_URL, services.env.REDIS_PREFIX, services.nodeId, log) : null;
  const docs = new Map<string, SharedDoc>();
  const conns = new Set<Conn>();
  // Up to a long text's full state with room to spare; larger messages close the socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  const work = new Set<Promise<unknown>>();
  let closing = false;

  // Write-backs run about once a second per doc being typed in: the writer's rights are read
  // again when older than a few seconds (and at once after a sign-out or a disabled account).
  const principals = new Map<string, { at: number; principal: Promise<Principal | null> }>();
  const host: DocHost = {
    services,
    log,
    updates,
    relay,
    options,
    fork,
    principal(userId) {
      const cached = principals.get(userId);
      if (cached && Date.now() - cached.at < PRINCIPAL_TTL_MS) return cached.principal;
      if (principals.size > 1000) principals.clear();
      const principal = loadPrincipal(fork(), userId).catch((err: unknown) => {
        principals.delete(userId);
        throw err;
      });
      principals.set(userId, { at: Date.now(), principal });
      return principal;
    },
    forget(doc) {
      if (docs.get(doc.name) === doc) docs.delete(doc.name);
    },
  };

  /** Tracks background work so close() can wait for it. */
  const track = <T>(p: Promise<T>): Promise<T> => {
    work.add(p);
    void p.finally(() => work.delete(p)).catch(() => undefined);
    return p;
  };

  /**
   * The loaded doc of a record, loading it if needed (waiting for one that is unloading).
   * The caller gets a hold on it and must unhold() when done.
   */
  async function acquire(def: ObjectDef, id: string, transient: boolean): Promise<SharedDoc> {
    const name = docNameOf(def.name, id);
    for (;;) {
      let doc = docs.get(name);
      if (doc?.state === 'unloading') {
        await doc.closed;
        continue;
      }
      if (!doc) {
        doc = new SharedDoc(host, name, def, id, transient);
        docs.set(name, doc);
        doc.loaded = doc.load();
      }
      doc.hold();
      try {
        await doc.loaded;
      } catch (err) {
        doc.unhold();
        throw err;
      }
      if (doc.state !== 'ready') {
        doc.unhold();
        continue;
      }
      if (!transient) doc.transient = false;
      return doc;
    }
  }

  /** Runs a server job on a record's doc, loading it just for that when nobody has it open. */
  async function withDoc(def: ObjectDef, id: string, job: (doc: SharedDoc) => Promise<void>): Promise<void> {
    const doc = await acquire(def, id, true);
    try {
      await doc.enqueue(() => job(doc));
    } finally {
      doc.unhold();
    }
  }

  // ------------------------------------------------------------ upgrades and connections

  function refuse(socket: Duplex, status: number): void {
    if (socket.destroyed) return;
    const text = STATUS_CODES[status] ?? 'Error';
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closing) return refuse(socket, 503);
    let raw: string;
    try {
      raw = decodeURIComponent((req.url ?? '').split('?')[0].slice(PATH.length));
    } catch {
      return refuse(socket, 404);
    }
    // Origin and session first: nothing about records is revealed to a stranger.
    const authAt = Date.now();
    const auth = await authenticateUpgrade(req, services);
    if (!auth.ok) return refuse(socket, auth.reason === 'origin' ? 403 : 401);
    const parsed = parseDocName(raw);
    const def = parsed ? findObject(parsed.object) : undefined;
    if (!parsed || !def || def.hidden) return refuse(socket, 404);
    const em = fork();
    // Unknown and forbidden alike: 404.
    if (!(await findRecord(em, def, auth.principal, parsed.id))) return refuse(socket, 404);
    // Edit right as the record service checks it: a level, and the record inside its scope.
    const level = levelFor(auth.principal, def, 'edit');
    const editable = level !== 'none' && (await findRecord(em, def, auth.principal, parsed.id, level)) !== null;
    if (closing) return refuse(socket, 503);
    if (socket.destroyed) return;
    // The session may have ended while we were checking (its event found no connection to close).
    if (endedSince(auth.principal.userId, auth.sessionId, authAt)) return refuse(socket, 401);
    wss.handleUpgrade(req, socket, head, (ws) => {
      void track(connect(ws, new Conn(ws, auth.principal, auth.sessionId, !editable), def, parsed.id));
    });
  }

  async function connect(ws: WebSocket, conn: Conn, def: ObjectDef, id: string): Promise<void> {
    conns.add(conn);
    ws.on('message', (data: Buffer) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (conn.doc) conn.doc.handleMessage(conn, bytes);
      else conn.pending?.push(bytes);
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err) => log.debug({ err }, 'co-editing socket error'));
    ws.on('close', () => {
      conn.closed = true;
      conns.delete(conn);
      conn.doc?.removeConn(conn);
    });
    let doc: SharedDoc;
    try {
      doc = await acquire(def, id, false);
    } catch (err) {
      if (err instanceof RecordGone) {
        conn.send(encodeNotice({ code: 'deleted', message: 'This record was deleted.' }));
        conn.close(closeCodes.deleted, 'record deleted');
      } else {
        log.error({ err, object: def.name, id }, 'loading a co-edited doc failed');
        conn.close(closeCodes.unavailable, 'doc unavailable');
      }
      return;
    }
    try {
      await doc.enqueue(() => doc.refreshFields());
      if (!conn.closed && doc.state === 'ready') doc.addConn(conn);
    } catch (err) {
      log.error({ err, doc: doc.name }, 'serving a co-editing connection failed');
      conn.close(closeCodes.unavailable, 'doc unavailable');
    } finally {
      doc.unhold();
    }
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Socket.IO (destroyUpgrade: false) and anything else keep their own paths.
    if (!(req.url ?? '').startsWith(PATH)) return;
    socket.on('error', () => undefined);
    void track(
      upgrade(req, socket, head).catch((err) => {
        log.error({ err }, 'co-editing upgrade failed');
        refuse(socket, 500);
      }),
    );
  };
  (http as Server).on('upgrade', onUpgrade);

  // Dead peers (a laptop lid closed, a network gone) are noticed by the missing pong.
  const pinger = setInterval(() => {
    for (const conn of conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, options.pingMs);
  pinger.unref();

  // ------------------------------------------------------------ events

  // Sessions that ended lately, for upgrades authenticated just before the end.
  const endedSessions = new Map<string, number>();
  const revokedUsers = new Map<string, { at: number; except?: string }>();
  function endedSince(userId: string, sessionId: string, since: number): boolean {
    const cutoff = Date.now() - 60_000;
    for (const [k, at] of endedSessions) if (at < cutoff) endedSessions.delete(k);
    for (const [k, r] of revokedUsers) if (r.at < cutoff) revokedUsers.delete(k);
    const revoked = revokedUsers.get(userId);
    return (endedSessions.get(sessionId) ?? 0) >= since || (revoked !== undefined && revoked.at >= since && revoked.except !== sessionId);
  }
  const offSessionEnded = services.bus.on('session.ended', ({ sessionId }) => {
    endedSessions.set(sessionId, Date.now());
    for (const c of conns) if (c.sessionId === sessionId) c.close(closeCodes.sessionEnded, 'session ended');
  });
  // What a connection may do is decided at its upgrade: when it changed, it connects again.
  const offUserChanged = services.bus.on('user.changed', ({ userId, rights }) => {
    principals.delete(userId);
    if (rights) for (const c of conns) if (c.userId === userId) c.close(closeCodes.rightsChanged, 'rights changed');
  });
  const offRevoked = services.bus.on('user.sessionsRevoked', ({ userId, exceptSessionId }) => {
    revokedUsers.set(userId, { at: Date.now(), except: exceptSessionId });
    principals.delete(userId);
    for (const c of conns) if (c.userId === userId && c.sessionId !== exceptSessionId) c.close(closeCodes.sessionEnded, 'session ended');
  });

  // Sessions that went idle or expired close their connections; typing keeps a session alive.
  const sessionWatch = watchSessions(
    services,
    () => [...conns],
    (ended) => {
      for (const c of conns) if (ended.has(c.sessionId)) c.close(closeCodes.sessionEnded, 'session ended');
    },
  );

  // Writes on this node to records whose docs are not open here, batched per tick: one query
  // finds which have a stored doc (most records were never co-edited).
  const changed = new Map<string, { object: string; id: string; fields: Set<string> }>();
  const deleted = new Set<string>();
  let batchScheduled = false;
  const scheduleBatch = () => {
    if (batchScheduled) return;
    batchScheduled = true;
    setImmediate(() => {
      batchScheduled = false;
      void track(runBatch()).catch((err) => log.error({ err }, 'applying writes to co-edited docs failed'));
    });
  };

  async function runBatch(): Promise<void> {
    const gone = [...deleted];
    deleted.clear();
    const writes = [...changed.values()];
    changed.clear();
    if (gone.length) {
      // Rows still queued for them are skipped by the log (their collab_doc row is gone).
      await updates.flush();
      for (const name of gone) await deleteDocRows(fork(), name);
    }
    if (!writes.length) return;
    const stored = await storedDocs(
      fork(),
      writes.map((w) => docNameOf(w.object, w.id)).filter((n) => !docs.has(n)),
    );
    await Promise.all(
      writes.map(async (w) => {
        const name = docNameOf(w.object, w.id);
        const def = findObject(w.object);
        if (!def || (!docs.has(name) && !stored.has(name))) return;
        try {
          await withDoc(def, w.id, (doc) => doc.applyColumns([...w.fields]));
        } catch (err) {
          if (!(err instanceof RecordGone)) log.error({ err, doc: name }, 'applying a write to a co-edited doc failed');
        }
      }),
    );
  }

  const offChanged = services.bus.on('record.changed', (e: RecordChanged, meta: EventMeta) => {
    const name = docNameOf(e.object, e.id);
    if (e.action === 'delete') {
      docs.get(name)?.closeDeleted();
      // The node that deleted forgets the stored doc; the others only close their connections.
      if (!meta.remote) {
        deleted.add(name);
        scheduleBatch();
      }
      return;
    }
    // Only the writing node diffs a write into the doc, so two nodes never insert the same text twice.
    if (meta.remote || e.action !== 'update') return;
    const doc = docs.get(name);
    if (doc?.inWriteBack && e.channel === 'collab') {
      doc.captureEcho(e);
      return;
    }
    if (doc?.state === 'ready') {
      doc.hold();
      void track(doc.enqueue(() => doc.applyColumns(e.fields)))
        .catch((err) => log.error({ err, doc: name }, 'applying a write to a co-edited doc failed'))
        .finally(() => doc.unhold());
      return;
    }
    const entry = changed.get(name) ?? { object: e.object, id: e.id, fields: new Set<string>() };
    for (const f of e.fields) entry.fields.add(f);
    changed.set(name, entry);
    scheduleBatch();
  });

  // ------------------------------------------------------------ recovery

  // Docs a killed node left with updates that never reached the columns: write them back now.
  const recovered = track(
    (async () => {
      const list = await docsToRecover(fork());
      for (const { name, object, recordId } of list) {
        if (closing) return;
        const def = findObject(object);
        try {
          // A custom business type removed since: its records and their docs are gone.
          if (!def) await deleteDocRows(fork(), name);
          else {
            // A few tries while the database settles; what is left waits for the next start.
            let done = false;
            for (let attempt = 0; attempt < 3 && !done && !closing; attempt++) {
              if (attempt) await new Promise((r) => setTimeout(r, 2000));
              await withDoc(def, recordId, async (doc) => {
                done = await doc.writeBack();
              });
            }
            log.info({ doc: name, done }, 'co-edited doc recovered');
          }
        } catch (err) {
          if (!(err instanceof RecordGone)) log.error({ err, doc: name }, 'recovering a co-edited doc failed');
        }
      }
    })().catch((err) => log.error({ err }, 'co-editing recovery failed')),
  );

  return {
    docs,
    recovered,
    async close() {
      if (closing) return;
      closing = true;
      (http as Server).off('upgrade', onUpgrade);
      clearInterval(pinger);
      offSessionEnded();
      offRevoked();
      offUserChanged();
      sessionWatch.close();
      offChanged();
      // Stop taking edits; clients keep theirs and resync with whichever node they reach next.
      for (const c of conns) c.pending = [];
      await Promise.allSettled([...work]);
      if (changed.size || deleted.size) await runBatch().catch((err) => log.error({ err }, 'applying writes to co-edited docs failed'));
      await updates.flush();
      for (const doc of [...docs.values()]) {
        await doc.loaded?.catch(() => undefined);
        await doc.enqueue(() => doc.unload(true));
      }
      await updates.flush();
      for (const c of conns) c.close(closeCodes.goingAway, 'server shutting down');
      wss.close();
      await relay?.close();
    },
  };
}
