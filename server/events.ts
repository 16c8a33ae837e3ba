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

type EventMap = {
  'record.changed': [RecordChanged];
  'user.sessionsRevoked': [{ userId: string }];
  /** Custom fields or business types changed: every node reloads its registry. */
  'meta.changed': [{ at: string }];
};

/** In-process event bus; the collaboration layer bridges it to Redis when several nodes run. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  on<K extends keyof EventMap>(event: K, listener: (...args: EventMap[K]) => void): () => void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return () => this.emitter.off(event, listener as (...args: unknown[]) => void);
  }
  emit<K extends keyof EventMap>(event: K, ...args: EventMap[K]): void {
    this.emitter.emit(event, ...args);
  }
}
