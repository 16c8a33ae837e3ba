// The wire protocol of /collab/<object>:<id>: the y-websocket messages (sync, awareness, query
// awareness) plus two of ours the official client ignores unless a handler is registered.
// Browser-safe: the client imports it too.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { FieldErrorCode } from '../../server/errors';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageQueryAwareness = 3;
/** Server → client: why something the client did was undone or refused (JSON). */
export const messageNotice = 4;
/** Server → client: the state vector of what is durably stored in the database. */
export const messageSaved = 5;

export type NoticeCode = 'readOnly' | 'forbidden' | 'invalid' | 'deleted' | 'writeFailed';

export type Notice = { code: NoticeCode; field?: string; fieldCode?: FieldErrorCode; message: string };

/** WebSocket close codes; 44xx tells the y-websocket client not to reconnect. */
export const closeCodes = {
  /** The session ended (sign-out, disabled user). */
  sessionEnded: 4401,
  /** The record was deleted. */
  deleted: 4404,
  /** Malformed message. */
  badMessage: 4400,
  /** The server is shutting down; the client reconnects (to another node). */
  goingAway: 1001,
  /** No pong to a ping. */
  dead: 1006,
  /** The client sent something the server cannot use as is; it reconnects and resyncs. */
  resync: 4500,
  /** The user's rights changed: the client reconnects and the server checks them afresh. */
  rightsChanged: 4510,
  /** The doc could not be loaded; retry later. */
  unavailable: 4503,
} as const;

/** The doc name `<object>:<id>` of a record's card. */
export const docNameOf = (object: string, id: string) => `${object}:${id}`;

const DOC_NAME = /^([a-z][A-Za-z0-9_]{0,63}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Splits a doc name; null when it is not `<object>:<uuid>`. */
export function parseDocName(name: string): { object: string; id: string } | null {
  const m = DOC_NAME.exec(name);
  return m ? { object: m[1], id: m[2].toLowerCase() } : null;
}

export function encodeNotice(notice: Notice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, messageNotice);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

export function encodeSaved(stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, messageSaved);
  encoding.writeVarUint8Array(e, stateVector);
  return encoding.toUint8Array(e);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, messageSync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, messageAwareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}
