// One open card on this node: its Y.Doc, presence, connections, the checks on incoming edits,
// durability (update log, saved acknowledgements, compaction) and the write-back to columns.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebSocket } from 'ws';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Services } from '../../server/context';
import type { RecordChanged } from '../../server/events';
import type { Principal } from '../../server/auth/principal';
import { AppError, type FieldErrorCode } from '../../server/errors';
import { findRecord, type RecordDto } from '../../server/records/query';
import { findObject } from '../../server/records/registry';
import { updateRecord } from '../../server/records/service';
import type { FieldDef, ObjectDef } from '../../server/records/types';
import { checkDocValue, columnAsDoc, docFields, docValue, FIELDS_MAP, identical, isTextField, sameValue, setDocValue, writeValue } from './fields';
import { closeCodes, encodeAwareness, encodeNotice, encodeSaved, encodeUpdate, messageAwareness, messageQueryAwareness, messageSync, type Notice } from './protocol';
import { relayAwareness, relayQueryAwareness, relayUpdate, type RelayMessage, type YjsRelay } from './relay';
import { appendUpdate, compact, deleteDocRows, lastEditor, lockAndRead, markWrittenBack, writeSeed, type LogOwner, type UpdateLog } from './store';

export type YjsOptions = {
  /** Write-back waits this long after the last local edit… */
  debounceMs: number;
  /** …but never longer than about this after the first one (±25 %, so docs spread out). */
  maxWaitMs: number;
  /** Edits relayed from another node are written back here too after this long, in case that node died. */
  backstopMs: number;
  /** A doc with no connection is unloaded after this long. */
  unloadDelayMs: number;
  /** At most one `saved` message per doc this often. */
  savedThrottleMs: number;
  /** Compact when this many update rows piled up since the last compaction. */
  compactRows: number;
  /** Ping every connection this often; one that did not answer the previous ping is closed. */
  pingMs: number;
  /** Flush the update log this long after the first queued update. */
  flushMs: number;
};

export const defaultOptions: YjsOptions = {
  debounceMs: 300,
  maxWaitMs: 1000,
  backstopMs: 5000,
  unloadDelayMs: 5000,
  savedThrottleMs: 250,
  compactRows: 200,
  pingMs: 30_000,
  flushMs: 5,
};

/** What a doc needs from the server that holds it. */
export type DocHost = {
  services: Services;
  log: Logger;
  updates: UpdateLog;
  relay: YjsRelay | null;
  options: YjsOptions;
  fork(): EntityManager;
  /** A user's current rights for a write-back (null when disabled); loaded afresh every few seconds. */
  principal(userId: string): Promise<Principal | null>;
  /** The doc unloaded or was discarded: drop it from the registry. */
  forget(doc: SharedDoc): void;
};

/** Origin of server-made changes (seed, column diffs, compensations). */
const SERVER = Symbol('server');
/** Origin of updates relayed from another node. */
class RelayOrigin {
  constructor(readonly userId: string | null) {}
}

const MAX_BUFFERED = 16 * 1024 * 1024;

/** One WebSocket on one card. */
export class Conn {
  alive = true;
  /** Awareness client ids this connection announced. */
  readonly clientIds = new Set<number>();
  /** Messages that arrived before the doc was loaded, answered once it is. */
  pending: Uint8Array[] | null = [];
  doc: SharedDoc | null = null;
  closed = false;
  /** Sequence numbers (in its doc) of this connection's last update and of its first not yet acknowledged (0: none). */
  lastUpdate = 0;
  unackedFrom = 0;
  /** The user edited over this connection since the last session check (keeps the session alive). */
  used = false;

  constructor(
    readonly ws: WebSocket,
    readonly principal: Principal,
    readonly sessionId: string,
    readonly readOnly: boolean,
  ) {}

  get userId() {
    return this.principal.userId;
  }

  send(data: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    // A client that stopped reading would make us buffer without bound.
    if (this.ws.bufferedAmount > MAX_BUFFERED) {
      this.ws.terminate();
      return;
    }
    this.ws.send(data);
  }

  notice(notice: Notice): void {
    this.send(encodeNotice(notice));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A client that never answers the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}

/** Thrown by load() when the record no longer exists. */
export class RecordGone extends Error {}

type Check = { conn: Conn; keys: Set<string>; foreign: Set<Y.AbstractType<unknown>> };

const message = (n: Pick<Notice, 'code' | 'field' | 'fieldCode'>): string => {
  const f = n.field ? ` "${n.field}"` : '';
  switch (n.code) {
    case 'readOnly':
      return 'You may view this record but not edit it.';
    case 'forbidden':
      return `You may not change${f || ' this'}; your change was undone.`;
    case 'invalid':
      return `The value of${f} is invalid (${n.fieldCode}); your change was undone.`;
    case 'writeFailed':
      return `The value of${f} could not be saved (${n.fieldCode ?? 'refused'}); it was set back.`;
    case 'deleted':
      return 'This record was deleted.';
  }
};
const notice = (n: Pick<Notice, 'code' | 'field' | 'fieldCode'>): Notice => ({ ...n, message: message(n) });

/** Does the doc hold text in `map[key]` (for text fields) or a plain value (for the others)? */
const rightKind = (field: FieldDef, v: unknown) => (isTextField(field) ? v instanceof Y.Text : !(v instanceof Y.AbstractType) && v !== undefined);

export class SharedDoc implements LogOwner {
  readonly ydoc = new Y.Doc();
  readonly map: Y.Map<unknown>;
  readonly awareness: awarenessProtocol.Awareness;
  readonly conns = new Set<Conn>();
  state: 'loading' | 'ready' | 'unloading' | 'gone' = 'loading';
  /** Opened by the server alone (to apply a write into it); unloads as soon as that is done. */
  transient: boolean;
  loaded: Promise<void> | null = null;
  /** Resolves when the doc is unloaded or discarded. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  private fields = new Map<string, FieldDef>();
  /** The last accepted value of each field (text as a string): what a revert goes back to. */
  private readonly lastValid = new Map<string, unknown>();
  /** Who changed each field last (users on this node, or named by the node that relayed it). */
  private readonly editors = new Map<string, string>();
  private lastUserId: string | null = null;
  private holds = 0;
  private queue: Promise<void> = Promise.resolve();
  private checks: Check[] = [];
  private relayBuffer: RelayMessage[] | null = [];
  /** Who announced each presence client id: a connection here, or another node. */
  private readonly presenceOwners = new Map<number, Conn | RelayOrigin>();

  private writeTimer: NodeJS.Timeout | null = null;
  private firstDirtyAt = 0;
  private lastDirtyAt = 0;
  private maxWait = 0;
  private lastRelayAt = 0;
  private backstopTimer: NodeJS.Timeout | null = null;
  private unloadTimer: NodeJS.Timeout | null = null;
  private compacting = false;
  private discarded = false;

  /** Set while this doc writes back: record.changed events of that write are ours. */
  inWriteBack = false;
  private echo: RecordChanged[] = [];

  private maxPersistedId = 0;
  private rowsStored = 0;
  private compactAt: number;
  private durable: Uint8Array = new Uint8Array([0]);
  /** Counts updates from connections; `durableSeq` is the last one durably stored. */
  private seq = 0;
  private durableSeq = 0;
  private cutSeq = 0;
  private savedTimer: NodeJS.Timeout | null = null;
  private lastSavedAt = 0;
  /** Updates of this event-loop turn, sent together by sendOutbox(). */
  private outbox: { update: Uint8Array; from: Conn | null; userId: string | null; relayed: boolean }[] = [];
  private outboxTimer: NodeJS.Immediate | null = null;

  constructor(
    private readonly host: DocHost,
    readonly name: string,
    private def: ObjectDef,
    readonly recordId: string,
    transient: boolean,
  ) {
    this.transient = transient;
    this.map = this.ydoc.getMap(FIELDS_MAP);
    this.awareness = new awarenessProtocol.Awareness(this.ydoc);
    // The server takes no part in presence.
    this.awareness.setLocalState(null);
    this.compactAt = host.options.compactRows;
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  /** Runs `job` after every job queued before it (write-backs, column diffs, unload). */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  // ---------------------------------------------------------------- loading

  /**
   * Subscribes to the other nodes' updates first (so none in flight is missed: Yjs updates
   * commute), then reads the stored state under the row lock, seeding it from the record's
   * columns when nothing is stored yet.
   */
  async load(): Promise<void> {
    const { relay } = this.host;
    if (relay) await relay.subscribe(this.name, (m) => this.onRelay(m));
    try {
      let gone = false;
      let reconciled: Uint8Array | null = null;
      await this.host.fork().transactional(async (tem) => {
        const stored = await lockAndRead(tem, this.name, this.def.name, this.recordId);
        if (stored.update) Y.applyUpdate(this.ydoc, stored.update, SERVER);
        this.maxPersistedId = stored.maxId;
        this.rowsStored = stored.rows;
        this.compactAt = stored.rows + this.host.options.compactRows;
        const record = await findRecord(tem, this.def, null, this.recordId);
        if (!record) {
          gone = true;
          await deleteDocRows(tem, this.name);
          return;
        }
        this.fields = await docFields(tem, this.def);
        reconciled = this.reconcile(record);
        if (!reconciled) return;
        if (!stored.update) await writeSeed(tem, this.name, Y.encodeStateAsUpdate(this.ydoc));
        else {
          this.maxPersistedId = await appendUpdate(tem, this.name, reconciled, null);
          this.rowsStored++;
        }
      });
      // Deleted while loading (closeDeleted ran meanwhile): never becomes ready.
      if (gone || this.state === 'gone') throw new RecordGone(this.name);
      // Another node may hold this doc open from before a field was added or hidden.
      if (reconciled && relay) relay.publish(this.name, relayUpdate, null, reconciled);
    } catch (err) {
      if (relay) await relay.unsubscribe(this.name);
      this.discard();
      throw err;
    }
    for (const [name, field] of this.fields) this.lastValid.set(name, docValue(this.map, field));
    this.durable = Y.encodeStateVector(this.ydoc);
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.ydoc.on('afterTransaction', (tr: Y.Transaction) => this.afterTransaction(tr));
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => this.onAwareness(change, origin));
    this.state = 'ready';
    const buffered = this.relayBuffer ?? [];
    this.relayBuffer = null;
    for (const m of buffered) this.applyRelay(m);
    // Presence on the other nodes started before we listened.
    relay?.publish(this.name, relayQueryAwareness, null, new Uint8Array(0));
  }

  /**
   * Makes the doc hold exactly the doc fields: adds missing keys (from the columns), replaces
   * values of the wrong kind, removes keys that are no longer doc fields. Returns the update, if any.
   */
  private reconcile(record: RecordDto): Uint8Array | null {
    const updates: Uint8Array[] = [];
    const capture = (u: Uint8Array) => updates.push(u);
    this.ydoc.on('update', capture);
    try {
      this.ydoc.transact(() => {
        for (const [name, field] of this.fields) {
          if (!this.map.has(name) || !rightKind(field, this.map.get(name))) setDocValue(this.map, field, columnAsDoc(field, record[name]));
        }
        for (const key of [...this.map.keys()]) if (!this.fields.has(key)) this.map.delete(key);
      }, SERVER);
    } finally {
      this.ydoc.off('update', capture);
    }
    return updates.length ? Y.mergeUpdates(updates) : null;
  }

  /**
   * Rechecks which fields go in the doc (custom fields added or removed, a group now hiding a
   * field) before a new connection is served; applies the difference as a server change.
   */
  async refreshFields(): Promise<void> {
    const def = findObject(this.def.name);
    if (!def) return;
    this.def = def;
    const em = this.host.fork();
    const fields = await docFields(em, def);
    const same = fields.size === this.fields.size && [...fields].every(([n, f]) => this.fields.get(n) === f);
    if (same) return;
    const record = await findRecord(em, def, null, this.recordId);
    if (!record) return;
    this.fields = fields;
    this.reconcile(record);
    for (const [name, field] of fields) this.lastValid.set(name, docValue(this.map, field));
    for (const key of [...this.lastValid.keys()]) if (!fields.has(key)) this.lastValid.delete(key);
  }

  // ---------------------------------------------------------------- connections

  /** Serves a connection: our sync step 1, presence, the read-only notice, the durable state. */
  addConn(conn: Conn): void {
    this.cancelUnload();
    this.transient = false;
    this.conns.add(conn);
    conn.doc = this;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, messageSync);
    syncProtocol.writeSyncStep1(e, this.ydoc);
    conn.send(encoding.toUint8Array(e));
    const states = this.awareness.getStates();
    if (states.size) conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    if (conn.readOnly) conn.notice(notice({ code: 'readOnly' }));
    conn.send(encodeSaved(this.durable));
    const pending = conn.pending ?? [];
    conn.pending = null;
    for (const m of pending) this.handleMessage(conn, m);
  }

  removeConn(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    // Presence of a closed tab goes at once, here and on the other nodes.
    if (conn.clientIds.size && this.state !== 'gone') awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clientIds], null);
    this.maybeUnload();
  }

  /** Keeps the doc loaded while a server job uses it. */
  hold(): void {
    this.holds++;
    this.cancelUnload();
  }

  /** Releases a hold taken with hold(). */
  unhold(): void {
    this.holds = Math.max(0, this.holds - 1);
    this.maybeUnload();
  }

  private maybeUnload(): void {
    if (this.conns.size === 0 && this.holds === 0 && this.state === 'ready') this.scheduleUnload();
  }

  handleMessage(conn: Conn, data: Uint8Array): void {
    if (conn.pending) {
      conn.pending.push(data);
      return;
    }
    if (this.state !== 'ready' || conn.closed) return;
    try {
      const decoder = decoding.createDecoder(data);
      const type = decoding.readVarUint(decoder);
      if (type === messageSync) this.handleSync(conn, decoder);
      else if (type === messageAwareness) {
        const stamped = this.ownPresence(conn, decoding.readVarUint8Array(decoder));
        if (stamped) awarenessProtocol.applyAwarenessUpdate(this.awareness, stamped, conn);
      } else if (type === messageQueryAwareness) {
        conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
      }
    } catch (err) {
      this.host.log.warn({ err, doc: this.name, userId: conn.userId }, 'malformed co-editing message');
      conn.close(closeCodes.badMessage, 'malformed message');
    }
  }

  /**
   * A connection's presence update, limited to the client ids it owns (no tab can change or
   * remove another's presence) and stamped with the real user id, whatever the client claims.
   * Null when nothing is left.
   */
  private ownPresence(conn: Conn, update: Uint8Array): Uint8Array | null {
    const d = decoding.createDecoder(update);
    const e = encoding.createEncoder();
    const entries: { client: number; clock: number; state: string }[] = [];
    for (let n = decoding.readVarUint(d); n > 0; n--) {
      const client = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const raw = decoding.readVarString(d);
      // The same user may take over an id (a tab reconnecting, here or from another node).
      const owner = this.presenceOwners.get(client);
      if (owner !== undefined && owner !== conn && owner.userId !== conn.userId && !(owner instanceof Conn && owner.closed)) continue;
      const state = JSON.parse(raw) as Record<string, unknown> | null;
      if (state && typeof state === 'object') {
        const user = state.user && typeof state.user === 'object' ? { ...(state.user as Record<string, unknown>), id: conn.userId } : state.user;
        entries.push({ client, clock, state: JSON.stringify({ ...state, userId: conn.userId, ...(user === undefined ? {} : { user }) }) });
      } else entries.push({ client, clock, state: 'null' });
    }
    if (!entries.length) return null;
    encoding.writeVarUint(e, entries.length);
    for (const x of entries) {
      encoding.writeVarUint(e, x.client);
      encoding.writeVarUint(e, x.clock);
      encoding.writeVarString(e, x.state);
    }
    return encoding.toUint8Array(e);
  }

  private handleSync(conn: Conn, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, messageSync);
      syncProtocol.writeSyncStep2(e, this.ydoc, decoding.readVarUint8Array(decoder));
      conn.send(encoding.toUint8Array(e));
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) throw new Error(`unknown sync message ${syncType}`);
    const update = decoding.readVarUint8Array(decoder);
    // A read-only connection's edits are dropped, never applied.
    if (conn.readOnly) return;
    const store = this.ydoc.store;
    const hadPending = store.pendingStructs !== null || store.pendingDs !== null;
    conn.lastUpdate = ++this.seq;
    conn.unackedFrom ||= conn.lastUpdate;
    conn.used = true;
    Y.applyUpdate(this.ydoc, update, conn);
    this.runChecks();
    // A client only builds on what this server sent it, so its updates never wait for missing
    // parts. Ones that do would later be merged in someone else's transaction, unchecked: drop
    // them and let the client resync.
    if (!hadPending && (store.pendingStructs !== null || store.pendingDs !== null)) {
      store.pendingStructs = null;
      store.pendingDs = null;
      this.host.log.warn({ doc: this.name, userId: conn.userId }, 'co-editing update with missing dependencies dropped');
      conn.close(closeCodes.resync, 'incomplete update');
    }
  }

  // ---------------------------------------------------------------- changes

  private onUpdate(update: Uint8Array, origin: unknown): void {
    const userId = origin instanceof Conn ? origin.userId : origin instanceof RelayOrigin ? origin.userId : null;
    this.outbox.push({ update, from: origin instanceof Conn ? origin : null, userId, relayed: origin instanceof RelayOrigin });
    this.outboxTimer ??= setImmediate(() => this.sendOutbox());
    this.host.updates.add(this, update, userId);
  }

  /**
   * Sends this turn's updates to the connections: one message each, the updates merged when
   * several piled up (a busy moment), none of a connection's own updates back to it.
   */
  private sendOutbox(): void {
    this.outboxTimer = null;
    const batch = this.outbox;
    this.outbox = [];
    if (!batch.length || this.state === 'gone') return;
    const merge = (updates: Uint8Array[]) => (updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
    const all = encodeUpdate(merge(batch.map((b) => b.update)));
    for (const c of this.conns) {
      if (!batch.some((b) => b.from === c)) c.send(all);
      else {
        const others = batch.filter((b) => b.from !== c).map((b) => b.update);
        if (others.length) c.send(encodeUpdate(merge(others)));
      }
    }
    // To the other nodes, what did not come from them: one message per user whose edits these are.
    const { relay } = this.host;
    if (!relay) return;
    const byUser = new Map<string | null, Uint8Array[]>();
    for (const b of batch) if (!b.relayed) byUser.set(b.userId, [...(byUser.get(b.userId) ?? []), b.update]);
    for (const [userId, updates] of byUser) relay.publish(this.name, relayUpdate, userId, merge(updates));
  }

  /** Which fields a transaction touched; top-level types other than `fields` are foreign. */
  private afterTransaction(tr: Y.Transaction): void {
    const keys = new Set<string>();
    const foreign = new Set<Y.AbstractType<unknown>>();
    const map = this.map as Y.AbstractType<unknown>;
    for (const [type, subs] of tr.changed as Map<Y.AbstractType<unknown>, Set<string | null>>) {
      if (type === map) {
        for (const s of subs) if (s !== null) keys.add(s);
        continue;
      }
      let t = type;
      while (t._item && t._item.parent !== map && t._item.parent instanceof Y.AbstractType) t = t._item.parent as Y.AbstractType<unknown>;
      if (t._item?.parent === map && t._item.parentSub) keys.add(t._item.parentSub);
      else if (!t._item) foreign.add(t);
    }
    if (!keys.size && !foreign.size) return;
    const origin = tr.origin;
    if (origin instanceof Conn) {
      this.checks.push({ conn: origin, keys, foreign });
      return;
    }
    // Server changes and other nodes' (checked there) are accepted as they are.
    for (const key of keys) {
      const field = this.fields.get(key);
      if (field) this.lastValid.set(key, docValue(this.map, field));
      if (origin instanceof RelayOrigin && origin.userId) this.editors.set(key, origin.userId);
    }
    if (origin instanceof RelayOrigin) this.scheduleBackstop();
  }

  /**
   * Checks what connections just changed against the metadata and the user's rights, and
   * undoes what is not allowed with a compensating server change; the sender is told why.
   */
  private runChecks(): void {
    const checks = this.checks;
    this.checks = [];
    for (const { conn, keys, foreign } of checks) {
      const denied = conn.principal.permissions[this.def.name]?.deny.edit ?? [];
      const reverts: { key: string; field: FieldDef | undefined }[] = [];
      const notices: Notice[] = [];
      let accepted = false;
      for (const key of keys) {
        const field = this.fields.get(key);
        if (!field) {
          if (this.map.has(key)) reverts.push({ key, field });
          notices.push(notice({ code: 'forbidden', field: key, fieldCode: 'unknown_field' }));
        } else if (field.readOnly || denied.includes(key)) {
          reverts.push({ key, field });
          notices.push(notice({ code: 'forbidden', field: key, fieldCode: 'protected_field' }));
        } else {
          const code: FieldErrorCode | null = this.map.has(key) ? checkDocValue(field, this.map.get(key)) : 'invalid_type';
          if (code) {
            reverts.push({ key, field });
            notices.push(notice({ code: 'invalid', field: key, fieldCode: code }));
          } else {
            this.lastValid.set(key, docValue(this.map, field));
            this.editors.set(key, conn.userId);
            accepted = true;
          }
        }
      }
      if (reverts.length || foreign.size) {
        this.ydoc.transact((tr) => {
          for (const { key, field } of reverts) {
            if (field) setDocValue(this.map, field, this.lastValid.get(key));
            else this.map.delete(key);
          }
          for (const type of foreign) clearType(type, tr);
        }, SERVER);
        if (foreign.size) notices.push(notice({ code: 'forbidden' }));
      }
      for (const n of notices) conn.notice(n);
      if (accepted) {
        this.lastUserId = conn.userId;
        this.scheduleWriteBack();
      }
    }
  }

  // ---------------------------------------------------------------- other nodes

  private onRelay(m: RelayMessage): void {
    if (this.relayBuffer) this.relayBuffer.push(m);
    else this.applyRelay(m);
  }

  private applyRelay(m: RelayMessage): void {
    if (this.state !== 'ready') return;
    try {
      if (m.kind === relayUpdate) Y.applyUpdate(this.ydoc, m.data, new RelayOrigin(m.userId));
      else if (m.kind === relayAwareness) awarenessProtocol.applyAwarenessUpdate(this.awareness, m.data, new RelayOrigin(m.userId));
      else if (m.kind === relayQueryAwareness) {
        for (const c of this.conns) {
          const ids = [...c.clientIds].filter((id) => this.awareness.getStates().has(id));
          if (ids.length) this.host.relay?.publish(this.name, relayAwareness, c.userId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
        }
      }
    } catch (err) {
      this.host.log.warn({ err, doc: this.name }, 'unreadable relayed co-editing message');
    }
  }

  private onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    if (origin instanceof Conn || origin instanceof RelayOrigin) {
      for (const id of [...added, ...updated]) {
        // Taken over (a reconnect): closing the old connection must not remove it.
        const previous = this.presenceOwners.get(id);
        if (previous instanceof Conn && previous !== origin) previous.clientIds.delete(id);
        if (origin instanceof Conn) origin.clientIds.add(id);
        this.presenceOwners.set(id, origin);
      }
    }
    for (const id of removed) {
      const owner = this.presenceOwners.get(id);
      if (owner instanceof Conn) owner.clientIds.delete(id);
      this.presenceOwners.delete(id);
    }
    // The server's own (always empty) state is nobody's presence.
    const changed = [...added, ...updated, ...removed].filter((id) => id !== this.awareness.clientID);
    if (!changed.length) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const msg = encodeAwareness(update);
    // The sender too: a client alone on a card hears nothing else, and the y-websocket client
    // reconnects after 30 s of silence.
    for (const c of this.conns) c.send(msg);
    if (!(origin instanceof RelayOrigin)) this.host.relay?.publish(this.name, relayAwareness, origin instanceof Conn ? origin.userId : null, update);
  }

  // ---------------------------------------------------------------- durability

  cut(): Uint8Array {
    this.cutSeq = this.seq;
    return Y.encodeStateVector(this.ydoc);
  }

  persisted(maxId: number, rows: number, cutState: Uint8Array | null): void {
    if (this.state === 'gone' || rows === 0) return;
    this.maxPersistedId = Math.max(this.maxPersistedId, maxId);
    this.rowsStored += rows;
    if (cutState) {
      this.durable = cutState;
      this.durableSeq = this.cutSeq;
      this.sendSaved();
    }
    if (this.rowsStored > this.compactAt && !this.compacting) {
      this.compacting = true;
      void this.enqueue(() => this.compactNow()).finally(() => (this.compacting = false));
    }
  }

  /**
   * Tells the connections whose edits became durable, at most once per throttle period (the
   * others have nothing waiting for it; each connection gets the durable state when it joins).
   */
  private sendSaved(): void {
    if (this.savedTimer) return;
    const wait = this.lastSavedAt + this.host.options.savedThrottleMs - Date.now();
    const send = () => {
      this.savedTimer = null;
      this.lastSavedAt = Date.now();
      let msg: Uint8Array | null = null;
      for (const c of this.conns) {
        if (!c.unackedFrom || c.unackedFrom > this.durableSeq) continue;
        msg ??= encodeSaved(this.durable);
        c.send(msg);
        c.unackedFrom = c.lastUpdate > this.durableSeq ? this.durableSeq + 1 : 0;
      }
    };
    if (wait <= 0) send();
    else this.savedTimer = setTimeout(send, wait);
  }

  private async compactNow(): Promise<void> {
    if (this.state === 'gone') return;
    try {
      this.rowsStored = await compact(this.host.fork(), this.name);
      this.compactAt = this.rowsStored + this.host.options.compactRows;
    } catch (err) {
      this.host.log.error({ err, doc: this.name }, 'compacting a co-edited doc failed');
    }
  }

  // ---------------------------------------------------------------- write-back

  /**
   * Debounces the write-back (~300 ms after the last edit, at most ~1 s after the first). One
   * timer per doc that re-arms itself, rather than a new timer per keystroke.
   */
  private scheduleWriteBack(): void {
    if (this.state !== 'ready') return;
    const now = Date.now();
    this.lastDirtyAt = now;
    if (!this.firstDirtyAt) {
      this.firstDirtyAt = now;
      // Spread: docs typed in since the same moment do not all write back in the same instant.
      this.maxWait = this.host.options.maxWaitMs * (0.75 + Math.random() * 0.5);
    }
    if (!this.writeTimer) this.armWriteBack(this.host.options.debounceMs);
  }

  private armWriteBack(wait: number): void {
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      const now = Date.now();
      const due = Math.min(this.lastDirtyAt + this.host.options.debounceMs, this.firstDirtyAt + this.maxWait);
      if (due > now) return this.armWriteBack(due - now);
      this.firstDirtyAt = 0;
      void this.enqueue(() => this.writeBack());
    }, wait);
  }

  private scheduleBackstop(): void {
    if (this.state !== 'ready' || this.transient) return;
    this.lastRelayAt = Date.now();
    if (this.backstopTimer) return;
    const arm = (wait: number) => {
      this.backstopTimer = setTimeout(() => {
        this.backstopTimer = null;
        const due = this.lastRelayAt + this.host.options.backstopMs - Date.now();
        if (due > 0) return arm(due);
        void this.enqueue(() => this.writeBack());
      }, wait);
    };
    arm(this.host.options.backstopMs);
  }

  /**
   * Writes the merged values that differ from the columns through the record service, as the
   * user who changed each field last (history, operation log, record.changed with channel
   * `collab`). A value the write path refuses is set back to the column's in the doc and its
   * editor is told. Then records how far the update log is written back. Run in the queue.
   */
  async writeBack(): Promise<boolean> {
    if (this.state === 'gone' || this.state === 'loading') return false;
    if (this.writeTimer) {
      clearTimeout(this.writeTimer);
      this.writeTimer = null;
      this.firstDirtyAt = 0;
    }
    try {
      await this.host.updates.flush();
      const upTo = this.maxPersistedId;
      const em = this.host.fork();
      const row = await findRecord(em, this.def, null, this.recordId);
      if (!row) return false; // deleted: the record.changed delete event discards the doc
      const byEditor = new Map<string, string[]>();
      const orphans: string[] = [];
      let fallback: string | null | undefined;
      for (const [name, field] of this.fields) {
        if (field.readOnly || sameValue(field, docValue(this.map, field), row[name])) continue;
        let editor = this.editors.get(name) ?? this.lastUserId ?? undefined;
        if (!editor) {
          if (fallback === undefined) fallback = await lastEditor(em, this.name);
          editor = fallback ?? undefined;
        }
        if (editor) byEditor.set(editor, [...(byEditor.get(editor) ?? []), name]);
        else orphans.push(name);
      }
      if (orphans.length) this.restore(row, orphans);
      for (const [userId, names] of byEditor) await this.writeAs(userId, names, row);
      await markWrittenBack(em, this.name, upTo);
      return true;
    } catch (err) {
      // The database is away: nothing is lost (the log has it); try again a little later.
      this.host.log.error({ err, doc: this.name }, 'writing a co-edited doc back failed; retrying');
      if (this.state === 'ready') {
        if (this.writeTimer) clearTimeout(this.writeTimer);
        this.writeTimer = setTimeout(() => {
          this.writeTimer = null;
          void this.enqueue(() => this.writeBack());
        }, 2000);
      }
      return false;
    }
  }

  private async writeAs(userId: string, names: string[], row: RecordDto): Promise<void> {
    const { bus } = this.host.services;
    const principal = await this.host.principal(userId);
    if (!principal) {
      // The user was disabled meanwhile: their unsaved edits are not written.
      this.restore(row, names);
      return;
    }
    const values: Record<string, unknown> = {};
    const read: Record<string, unknown> = {};
    for (const name of names) {
      const field = this.fields.get(name)!;
      read[name] = docValue(this.map, field);
      values[name] = writeValue(field, read[name]);
    }
    while (Object.keys(values).length) {
      this.inWriteBack = true;
      this.echo = [];
      try {
        const saved = await updateRecord({ em: this.host.fork(), principal, bus, channel: 'collab' }, this.def.name, this.recordId, values);
        this.inWriteBack = false;
        this.normalise(saved, read);
        // Fields a write hook changed alongside ours.
        const extra = [...new Set(this.echo.flatMap((e) => e.fields))].filter((f) => !(f in values));
        if (extra.length) await this.applyColumns(extra);
        return;
      } catch (err) {
        this.inWriteBack = false;
        if (!(err instanceof AppError)) throw err;
        const bad = (err.details?.fields ?? []).filter((f) => f.field in values);
        if (err.code === 'validation_failed' && bad.length) {
          this.restore(row, bad.map((f) => f.field));
          for (const f of bad) {
            this.tell(userId, notice({ code: 'writeFailed', field: f.field, fieldCode: f.code }));
            delete values[f.field];
          }
          continue;
        }
        // Forbidden, out of scope or gone for this user now: set back everything they changed.
        this.restore(row, Object.keys(values));
        for (const field of Object.keys(values)) this.tell(userId, notice({ code: err.code === 'validation_failed' ? 'writeFailed' : 'forbidden', field, fieldCode: err.details?.fields?.[0]?.code }));
        return;
      }
    }
  }

  /**
   * After a write-back: where the write path normalised a value (an amount to two places, a
   * date-time to UTC), show the stored form — unless someone changed the field meanwhile.
   */
  private normalise(saved: RecordDto, read: Record<string, unknown>): void {
    this.ydoc.transact(() => {
      for (const [name, before] of Object.entries(read)) {
        const field = this.fields.get(name);
        if (!field || !(name in saved)) continue;
        const now = docValue(this.map, field);
        if (!identical(now, before)) continue;
        const stored = columnAsDoc(field, saved[name]);
        if (isTextField(field) ? !sameValue(field, now, stored) : !identical(now, stored)) setDocValue(this.map, field, stored);
      }
    }, SERVER);
  }

  /** Sets fields back to their column values (a write the record service refused). */
  private restore(row: RecordDto, names: string[]): void {
    this.ydoc.transact(() => {
      for (const name of names) {
        const field = this.fields.get(name);
        if (field) setDocValue(this.map, field, columnAsDoc(field, row[name]));
      }
    }, SERVER);
    for (const name of names) this.editors.delete(name);
  }

  private tell(userId: string, n: Notice): void {
    for (const c of this.conns) if (c.userId === userId) c.notice(n);
  }

  /** A record.changed of our own write-back (emitted synchronously inside it). */
  captureEcho(e: RecordChanged): void {
    this.echo.push(e);
  }

  /**
   * Diffs the record's current columns into the doc for the given fields: a key is set only
   * when the value differs (text trim-insensitively, so a space someone just typed stays; Y.Text
   * by a minimal edit). Run in the queue.
   */
  async applyColumns(names: string[]): Promise<void> {
    if (this.state !== 'ready') return;
    const wanted = names.filter((n) => this.fields.has(n));
    if (!wanted.length) return;
    const row = await findRecord(this.host.fork(), this.def, null, this.recordId);
    if (!row || this.state !== 'ready') return;
    this.ydoc.transact(() => {
      for (const name of wanted) {
        const field = this.fields.get(name)!;
        const now = docValue(this.map, field);
        const stored = columnAsDoc(field, row[name]);
        if (!sameValue(field, now, row[name]) || (!isTextField(field) && !identical(now, stored))) setDocValue(this.map, field, stored);
      }
    }, SERVER);
  }

  // ---------------------------------------------------------------- unloading

  private scheduleUnload(): void {
    if (this.unloadTimer) return;
    const delay = this.transient ? 0 : this.host.options.unloadDelayMs;
    this.unloadTimer = setTimeout(() => {
      this.unloadTimer = null;
      void this.enqueue(() => this.unload());
    }, delay);
  }

  cancelUnload(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
  }

  /**
   * Flush, write back, compact, free the memory. Skipped if someone came back meanwhile.
   * `force` (server shutdown) unloads whatever the connections.
   */
  async unload(force = false): Promise<void> {
    if (this.state !== 'ready' || (!force && (this.conns.size || this.holds))) return;
    this.state = 'unloading';
    this.clearTimers();
    try {
      await this.host.updates.flush();
      if (!this.transient) await this.writeBack();
      await this.host.updates.flush();
      await this.compactNow();
    } catch (err) {
      this.host.log.error({ err, doc: this.name }, 'unloading a co-edited doc failed');
    }
    await this.host.relay?.unsubscribe(this.name);
    this.discard();
  }

  /** The record was deleted: tell everyone, close the connections, forget the doc unsaved. */
  closeDeleted(): void {
    if (this.state === 'gone') return;
    const n = notice({ code: 'deleted' });
    for (const c of this.conns) {
      c.notice(n);
      c.close(closeCodes.deleted, 'record deleted');
    }
    this.conns.clear();
    this.host.updates.drop(this);
    void this.host.relay?.unsubscribe(this.name);
    this.discard();
  }

  private clearTimers(): void {
    for (const t of [this.writeTimer, this.backstopTimer, this.unloadTimer, this.savedTimer]) if (t) clearTimeout(t);
    this.writeTimer = this.backstopTimer = this.unloadTimer = this.savedTimer = null;
    // What this turn changed still goes out (to the other nodes above all) before the doc goes.
    if (this.outboxTimer) {
      clearImmediate(this.outboxTimer);
      this.sendOutbox();
    }
  }

  private discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.clearTimers();
    this.state = 'gone';
    this.awareness.destroy();
    this.ydoc.destroy();
    this.host.forget(this);
    this.resolveClosed();
  }
}

/** Empties a top-level type nobody should have made (only `fields` belongs in a card's doc). */
function clearType(type: Y.AbstractType<unknown>, tr: Y.Transaction): void {
  for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(tr);
  for (const item of type._map.values()) if (!item.deleted) item.delete(tr);
}
