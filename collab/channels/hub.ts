import type { Services } from '../../server/context';
import type { ServerToClientEvents } from './events';

/**
 * Room operations of the Socket.IO server, for services that deliver to rooms rather than to one
 * user (messages go to `conversation:<id>`). Every call reaches the sockets on all nodes through
 * the adapter.
 */
export type Rooms = {
  emit<E extends keyof ServerToClientEvents>(room: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Makes every socket of these users (on any node) join the room. */
  join(userIds: string[], room: string): void;
  leave(userIds: string[], room: string): void;
};

// Kept beside Services rather than in it: only the channels layer sets it, and in-process API
// tests (no listening server) simply have none.
const registry = new WeakMap<Services, Rooms>();

export function setRooms(services: Services, rooms: Rooms | null): void {
  if (rooms) registry.set(services, rooms);
  else registry.delete(services);
}

/** The room operations of this node's Socket.IO server, or null when none is attached. */
export function roomsOf(services: Services): Rooms | null {
  return registry.get(services) ?? null;
}

export const userRoom = (userId: string) => `user:${userId}`;
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
