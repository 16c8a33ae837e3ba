// Client side of our two extra y-websocket messages (browser-safe): register handlers on a
// `WebsocketProvider` to hear why an edit was undone and what the server has durably saved.
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { messageNotice, messageSaved, type Notice } from './protocol';

export type CollabHandlers = {
  /** A change was refused or undone, the connection is read-only, or the record was deleted. */
  onNotice?(notice: Notice): void;
  /** The state vector of what the server has stored durably. */
  onSaved?(stored: Map<number, number>): void;
};

/** Teaches a provider our notice (4) and saved (5) messages; the stock client would log them as unknown. */
export function attachCollabHandlers(provider: WebsocketProvider, handlers: CollabHandlers): void {
  provider.messageHandlers[messageNotice] = (_encoder, decoder) => {
    handlers.onNotice?.(JSON.parse(decoding.readVarString(decoder)) as Notice);
  };
  provider.messageHandlers[messageSaved] = (_encoder, decoder) => {
    handlers.onSaved?.(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
  };
}

/** Whether every local edit of `doc` is durably stored according to a `saved` state vector. */
export function isSaved(doc: Y.Doc, stored: Map<number, number>): boolean {
  return (stored.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID);
}
