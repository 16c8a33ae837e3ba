import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { createSignal, type Accessor, type Signal } from 'solid-js';
import { colorFor } from './presence';

/** Message types of our co-editing server beyond y-protocols' sync (0) and awareness (1). */
const MESSAGE_NOTICE = 4;
const MESSAGE_SAVED = 5;
/** Close code of a doc whose record was deleted (44xx: the client does not reconnect). */
const CLOSE_DELETED = 4404;

export type NoticeCode = 'readOnly' | 'forbidden' | 'invalid' | 'deleted' | 'writeFailed';

/** Why the server dropped or reverted something we sent. */
export type CollabNotice = { code: NoticeCode; field?: string; fieldCode?: string; message: string };

export type PresenceUser = { id: string; name: string; color: string };
/** Another tab on the same card (awareness state). */
export type Peer = { clientId: number; user: PresenceUser; field: string | null };

export type DocStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export type CardDoc = {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Tags our own transactions, so observers can tell them from remote ones. */
  origin: object;
  status: Accessor<DocStatus>;
  /** Sticky: the first sync with the server completed (the card can edit live from then on). */
  synced: Accessor<boolean>;
  /** Every local change has been stored by the server. */
  saved: Accessor<boolean>;
  deleted: Accessor<boolean>;
  /** The server told us this connection is read-only. */
  readOnly: Accessor<boolean>;
  peers: Accessor<Peer[]>;
  /** Whether the doc carries this field (reactive). */
  has(name: string): boolean;
  /** The field's current value (reactive; Y.Text as its string). */
  value(name: string): unknown;
  /** The field's shared text, when it is one. */
  text(name: string): Y.Text | null;
  /** Sets a plain (last-writer-wins) field. */
  set(name: string, value: unknown): void;
  /** Tells the others which field we are editing. */
  focus(name: string | null): void;
  destroy(): void;
};

function plain(v: unknown): unknown {
  if (v instanceof Y.Text) return v.toString();
  if (v instanceof Y.AbstractType) return v.toJSON();
  return v === undefined ? null : v;
}

function isNotice(x: unknown): x is CollabNotice {
  return !!x && typeof x === 'object' && typeof (x as CollabNotice).code === 'string';
}

/** The WebSocket base of the co-editing server: same host, ws or wss like the page. */
export function collabUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

/**
 * Opens the shared doc `<object>:<id>` of a record card: one Solid signal per field fed by the
 * doc's observers, presence through awareness, and the server's notice/saved messages.
 * Call `destroy()` when the card goes (the caller does it in `onCleanup`).
 */
export function createCardDoc(
  object: string,
  id: string,
  opts: { user: { id: string; name: string }; onNotice?: (n: CollabNotice) => void },
): CardDoc {
  const doc = new Y.Doc();
  const fields = doc.getMap<unknown>('fields');
  const origin = { card: `${object}:${id}` };
  // One connection per tab to the server: the server is the judge of every change (validation,
  // permissions), so tabs do not shortcut each other over BroadcastChannel.
  const provider = new WebsocketProvider(collabUrl(), `${object}:${id}`, doc, { disableBc: true });

  const [status, setStatus] = createSignal<DocStatus>('connecting');
  const [synced, setSynced] = createSignal(false);
  const [saved, setSaved] = createSignal(true);
  const [deleted, setDeleted] = createSignal(false);
  const [readOnly, setReadOnly] = createSignal(false);
  const [peers, setPeers] = createSignal<Peer[]>([]);
  const [keys, setKeys] = createSignal<ReadonlySet<string>>(new Set());
  const signals = new Map<string, Signal<unknown>>();

  const signalOf = (name: string): Signal<unknown> => {
    let s = signals.get(name);
    if (!s) {
      s = createSignal<unknown>(plain(fields.get(name)), { equals: false });
      signals.set(name, s);
    }
    return s;
  };
  const refresh = (name: string) => signals.get(name)?.[1](plain(fields.get(name)));

  fields.observeDeep((events) => {
    let keysChanged = false;
    for (const e of events) {
      if (e.target === fields) {
        for (const k of (e as Y.YMapEvent<unknown>).keysChanged) {
          refresh(k);
          keysChanged = true;
        }
      } else if (typeof e.path[0] === 'string') refresh(e.path[0]);
    }
    if (keysChanged) setKeys(new Set(fields.keys()));
  });

  // "Saved" = the server's stored state vector covers everything this client wrote.
  let storedSv = new Map<number, number>();
  const recomputeSaved = () => setSaved((storedSv.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID));
  doc.on('update', recomputeSaved);

  provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => {
    let notice: unknown;
    try {
      notice = JSON.parse(decoding.readVarString(decoder));
    } catch {
      return;
    }
    if (!isNotice(notice)) return;
    if (notice.code === 'readOnly') setReadOnly(true);
    if (notice.code === 'deleted') {
      setDeleted(true);
      // Not from inside the provider's own message loop.
      queueMicrotask(() => provider.destroy());
    }
    opts.onNotice?.(notice);
  };
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    storedSv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    recomputeSaved();
  };

  provider.on('status', ({ status: s }) => setStatus(s));
  provider.on('closed', ({ code }) => {
    setStatus('closed');
    // 4404: the record is gone (the notice may not have made it before the close).
    if (code === CLOSE_DELETED) setDeleted(true);
  });
  provider.on('sync', (isSynced: boolean) => {
    if (!isSynced) return;
    setKeys(new Set(fields.keys()));
    for (const name of signals.keys()) refresh(name);
    setSynced(true);
  });

  const awareness = provider.awareness;
  const me: PresenceUser = { id: opts.user.id, name: opts.user.name, color: colorFor(opts.user.id) };
  awareness.setLocalState({ user: me, field: null });
  const readPeers = () => {
    const list: Peer[] = [];
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === doc.clientID) continue;
      const user = (state as { user?: PresenceUser }).user;
      if (!user || typeof user.id !== 'string') continue;
      const field = (state as { field?: unknown }).field;
      list.push({ clientId, user: { id: user.id, name: String(user.name ?? ''), color: user.color || colorFor(user.id) }, field: typeof field === 'string' ? field : null });
    }
    setPeers(list);
  };
  awareness.on('change', readPeers);

  return {
    doc,
    provider,
    origin,
    status,
    synced,
    saved,
    deleted,
    readOnly,
    peers,
    has: (name) => keys().has(name),
    value: (name) => signalOf(name)[0](),
    text: (name) => {
      const v = fields.get(name);
      return v instanceof Y.Text ? v : null;
    },
    set(name, value) {
      const cur = fields.get(name);
      if (cur instanceof Y.AbstractType) return;
      const next = value === undefined || value === '' ? null : value;
      if (JSON.stringify(cur ?? null) === JSON.stringify(next)) return;
      doc.transact(() => fields.set(name, next), origin);
    },
    focus(name) {
      if ((awareness.getLocalState() as { field?: unknown } | null)?.field === name) return;
      awareness.setLocalStateField('field', name);
    },
    destroy() {
      awareness.off('change', readPeers);
      provider.destroy();
      doc.destroy();
    },
  };
}
