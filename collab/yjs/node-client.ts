// A co-editing client for Node (tests, benchmarks): the official y-websocket provider over a
// `ws` WebSocket that sends the session cookie and an Origin, as a browser would.
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { attachCollabHandlers, isSaved } from './client';
import { FIELDS_MAP } from './fields';
import type { Notice } from './protocol';

/** A WebSocket class whose connections carry these headers (the provider only passes url and protocols). */
export function webSocketWithHeaders(headers: Record<string, string>): typeof globalThis.WebSocket {
  class HeaderWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return HeaderWebSocket as unknown as typeof globalThis.WebSocket;
}

export type CollabClient = {
  doc: Y.Doc;
  provider: WebsocketProvider;
  fields: Y.Map<unknown>;
  notices: Notice[];
  /** The last `saved` state vector received. */
  stored: Map<number, number> | null;
  /** The close code the server ended the connection with, if it did. */
  closeCode: number | null;
  /** Resolves once the first sync with the server completed. */
  synced: Promise<void>;
  /** Whether all local edits are durably stored. */
  saved(): boolean;
  text(field: string): string;
  destroy(): void;
};

/**
 * Opens `<baseUrl>/collab/<docName>` with the real `WebsocketProvider` (BroadcastChannel off,
 * so two clients in one process talk through the server only).
 */
export function openCollab(baseUrl: string, docName: string, cookie: string | null, opts: { origin?: string; awareness?: Record<string, unknown>; doc?: Y.Doc } = {}): CollabClient {
  const doc = opts.doc ?? new Y.Doc();
  const headers: Record<string, string> = { origin: opts.origin ?? baseUrl };
  if (cookie) headers.cookie = cookie;
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/collab`, docName, doc, {
    WebSocketPolyfill: webSocketWithHeaders(headers),
    disableBc: true,
    connect: false,
  });
  const client: CollabClient = {
    doc,
    provider,
    fields: doc.getMap(FIELDS_MAP),
    notices: [],
    stored: null,
    closeCode: null,
    synced: new Promise<void>((resolve) => {
      const onSync = (s: boolean) => {
        if (!s) return;
        provider.off('sync', onSync);
        resolve();
      };
      provider.on('sync', onSync);
    }),
    saved: () => client.stored !== null && isSaved(doc, client.stored),
    text: (field) => {
      const v = client.fields.get(field);
      return v instanceof Y.Text ? v.toString() : String(v ?? '');
    },
    destroy: () => provider.destroy(),
  };
  attachCollabHandlers(provider, {
    onNotice: (n) => client.notices.push(n),
    onSaved: (sv) => (client.stored = sv),
  });
  provider.on('connection-close', (event) => {
    if (event) client.closeCode = event.code;
  });
  if (opts.awareness) provider.awareness.setLocalState(opts.awareness);
  provider.connect();
  return client;
}
