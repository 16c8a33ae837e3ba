// Socket.IO test clients and HTTP helpers shared by the channels tests.
import { io as connect, type Socket } from 'socket.io-client';
import { api } from '../helpers/server';
import type { Client } from '../helpers/app';
import type { ClientToServerEvents, ServerToClientEvents } from '../../collab/channels/events';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io-client as a browser tab would open it (WebSocket, our Origin, the session cookie). */
export function openSocket(url: string, cookie: string | null, origin: string | null = url): TestSocket {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  return connect(url, { path: '/socket.io', transports: ['websocket'], extraHeaders: headers, forceNew: true, reconnection: false });
}

/** Resolves on `connect`, rejects with the server's refusal on `connect_error`. */
export function connected(socket: TestSocket): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Opens a socket and waits until it is connected. */
export const online = (url: string, cookie: string) => connected(openSocket(url, cookie));

/** Every payload of an event a socket receives, from now on. */
export function record<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event as never, ((payload: never) => seen.push(payload)) as never);
  return seen;
}

/** The next payload of an event that matches, or a rejection after `ms`. */
export function next<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E, match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true, ms = 5_000) {
  return new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve, reject) => {
    const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event as never, handler as never);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event as never, handler as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    socket.on(event as never, handler as never);
  });
}

/** Emits with an acknowledgement and resolves with the server's answer. */
export function request<T>(socket: TestSocket, event: keyof ClientToServerEvents, input: unknown): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: any } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${event}`)), 10_000);
    (socket.emit as (...args: unknown[]) => void)(event, input, (res: any) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}

/** Resolves when the socket is disconnected, with the reason. */
export function disconnected(socket: TestSocket, ms = 5_000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Client (as the factories take) speaking real HTTP to a listening server. */
export function httpClient(url: string, cookie: string | null): Client {
  const wrap = async (method: string, path: string, body?: unknown) => ({ ...(await api(url, cookie, method, path, body)), headers: new Headers() });
  return {
    cookie,
    get: (path) => wrap('GET', path),
    post: (path, body) => wrap('POST', path, body),
    patch: (path, body) => wrap('PATCH', path, body),
    del: (path) => wrap('DELETE', path),
  };
}
