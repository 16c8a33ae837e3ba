import { EventEmitter } from 'node:events';

export type RecordChangedAction = 'create' | 'update' | 'delete';

export type Channel = 'api' | 'ui' | 'collab' | 'import' | 'workflow' | 'portal' | 'sync' | 'system';

/** Emitted after the transaction of every record write commits. */
export type RecordChanged = {
  object: string;
  id: string;
  action: RecordChangedAction;
  /** Field names that changed (all fields on create and delete). */
  fields: string[];
  userId: string | null;
  channel: Channel;
  at: string;
};

/**
 * Events of the whole deployment. With REDIS_URL they cross nodes: a node re-emits what another
 * node published with `remote: true` as the second argument, so listeners that cause side effects
 * (notifications, doc diffs) run once, on the node where the event happened, while listeners that
 * push to their own sockets run everywhere.
 */
export type EventMap = {
  'record.changed': RecordChanged;
  /** Every session of the user ended (disabled, password changed elsewhere) except `exceptSessionId`. */
  'user.sessionsRevoked': { userId: string; exceptSessionId?: string };
  /** One session ended (sign-out). */
  'session.ended': { sessionId: string };
  /**
   * A user's language or rights (groups, a group's permissions, employee) changed: what holds
   * their principal loads it again; `rights` says whether what they may do changed.
   */
  'user.changed': { userId: string; rights: boolean };
  /** Custom fields or business types changed: every node reloads its registry. */
  'meta.changed': { at: string };
};

export type EventName = keyof EventMap;
export type EventMeta = { remote: boolean };

/** In-process event bus; collab/relay.ts bridges it to Redis when several nodes run. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  /** Set by the Redis bridge: publishes locally emitted events to the other nodes. */
  publish: (<K extends EventName>(event: K, payload: EventMap[K]) => void) | null = null;

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  on<K extends EventName>(event: K, listener: (payload: EventMap[K], meta: EventMeta) => void): () => void {
    const l = listener as (...args: unknown[]) => void;
    this.emitter.on(event, l);
    return () => this.emitter.off(event, l);
  }

  /** An event that happened on this node: local listeners, then the other nodes. */
  emit<K extends EventName>(event: K, payload: EventMap[K]): void {
    this.emitter.emit(event, payload, { remote: false });
    this.publish?.(event, payload);
  }

  /** An event another node published (called by the Redis bridge only). */
  emitRemote<K extends EventName>(event: K, payload: EventMap[K]): void {
    this.emitter.emit(event, payload, { remote: true });
  }
}
