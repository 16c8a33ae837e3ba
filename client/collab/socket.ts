import { io, type Socket } from 'socket.io-client';
import { createSignal, onCleanup } from 'solid-js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../collab/channels/events';
import { ApiError, type ErrorCode, type FieldError } from '../api/client';

/** The one Socket.IO connection of this tab, typed by the shared contract. */
export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEvent = keyof ServerToClientEvents;

type AckEvent = {
  [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [unknown, (res: Ack<never>) => void] ? E : never;
}[keyof ClientToServerEvents];
type AckInput<E extends AckEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckData<E extends AckEvent> = Parameters<ClientToServerEvents[E]>[1] extends (res: Ack<infer T>) => void ? T : never;
type WatchInput = { object: string; id?: string };

let current: AppSocket | null = null;
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
/** Live-row watches by key, reference-counted, sent again on every (re)connect. */
const watches = new Map<string, { input: WatchInput; count: number }>();
const connectHooks = new Set<(reconnect: boolean) => void>();
let lostHandler: (() => void) | null = null;

const [connected, setConnected] = createSignal(false);
export { connected };

const STATUS: Partial<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
};

/** An acknowledgement's error as the same ApiError the REST helpers throw. */
export function ackError(error: { code: string; message: string; details?: unknown }): ApiError {
  const code = (error.code in STATUS || error.code === 'internal' ? error.code : 'internal') as ErrorCode;
  const details = (error.details && typeof error.details === 'object' ? error.details : {}) as Record<string, unknown>;
  const fields = Array.isArray(details.fields) ? (details.fields as FieldError[]).filter((f) => f && typeof f.field === 'string') : [];
  return new ApiError(STATUS[code] ?? 500, code, error.message, fields, details);
}

function dispatch(event: string, args: unknown[]): void {
  for (const l of listeners.get(event) ?? []) {
    try {
      l(...args);
    } catch (e) {
      console.error(`socket listener for ${event} failed`, e);
    }
  }
}

/**
 * Opens the tab's socket (after sign-in). The browser sends the session cookie with the
 * upgrade; the server checks it and our Origin.
 */
export function openSocket(): void {
  if (current) return;
  const s: AppSocket = io({ path: '/socket.io', transports: ['websocket'], withCredentials: true });
  current = s;
  let connectedBefore = false;
  s.onAny((event: string, ...args: unknown[]) => dispatch(event, args));
  s.on('connect', () => {
    setConnected(true);
    for (const w of watches.values()) s.emit('records:watch', w.input, () => undefined);
    for (const h of connectHooks) h(connectedBefore);
    connectedBefore = true;
  });
  s.on('disconnect', (reason) => {
    setConnected(false);
    // The server closed us on purpose (session gone, user disabled): no automatic retry.
    if (reason === 'io server disconnect') lostHandler?.();
  });
  s.on('connect_error', () => {
    setConnected(false);
    // A refused handshake is not retried by the client; anything else is (s.active).
    if (!s.active) lostHandler?.();
  });
}

/** Closes the socket (sign-out, session ended). */
export function closeSocket(): void {
  const s = current;
  current = null;
  setConnected(false);
  s?.removeAllListeners();
  s?.offAny();
  s?.disconnect();
}

/** Tries to connect again after the server refused or dropped us (and the session still stands). */
export function reconnectSocket(): void {
  if (current && !current.connected) current.connect();
}

/** What to do when the server refuses or drops the socket for good (check the session). */
export function onSocketLost(handler: () => void): void {
  lostHandler = handler;
}

/** Listens to a server event on this and any later socket; returns the unsubscribe function. */
export function onSocket<E extends ServerEvent>(event: E, handler: ServerToClientEvents[E]): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  const l = handler as (...args: unknown[]) => void;
  set.add(l);
  return () => set.delete(l);
}

/** `onSocket` for a component: removed with it. */
export function useSocket<E extends ServerEvent>(event: E, handler: ServerToClientEvents[E]): void {
  onCleanup(onSocket(event, handler));
}

/** Runs after every connect (`reconnect` true after the first): re-subscribe, fetch what was missed. */
export function onConnect(hook: (reconnect: boolean) => void): () => void {
  connectHooks.add(hook);
  return () => connectHooks.delete(hook);
}

/** Emits an acknowledged event; resolves with its data or throws ApiError. */
export function call<E extends AckEvent>(event: E, input: AckInput<E>, timeoutMs = 10_000): Promise<AckData<E>> {
  const s = current;
  if (!s) return Promise.reject(new ApiError(0, 'network', 'not connected'));
  // The contract's per-event overloads do not survive the generic here; the shapes are checked above.
  const timed = s.timeout(timeoutMs);
  const emit = timed.emit as unknown as (ev: string, input: unknown, cb: (err: Error | null, res: Ack<AckData<E>>) => void) => void;
  return new Promise((resolve, reject) => {
    emit.call(timed, event, input, (err, res) => {
      if (err) reject(new ApiError(0, 'network', err.message));
      else if (res.ok) resolve(res.data);
      else reject(ackError(res.error));
    });
  });
}

/** Emits a fire-and-forget event (typing). */
export function send(event: 'typing', input: { conversationId: string; typing: boolean }): void {
  current?.emit(event, input);
}

/** Subscribes/unsubscribes a dashboard metric without waiting (the subscription itself uses `call`). */
export function unsubscribeMetric(input: Parameters<ClientToServerEvents['dashboard:unsubscribe']>[0]): void {
  current?.emit('dashboard:unsubscribe', input);
}

const watchKey = (w: WatchInput) => (w.id ? `${w.object}:${w.id}` : w.object);

/**
 * Live rows of a list (`{object}`) or a card (`{object, id}`) while the calling component
 * lives; the watch is repeated after each reconnect.
 */
export function watchRecords(input: WatchInput): void {
  const key = watchKey(input);
  const w = watches.get(key);
  if (w) w.count++;
  else {
    watches.set(key, { input, count: 1 });
    if (current?.connected) current.emit('records:watch', input, () => undefined);
  }
  onCleanup(() => {
    const x = watches.get(key);
    if (!x) return;
    if (--x.count > 0) return;
    watches.delete(key);
    current?.emit('records:unwatch', input);
  });
}
