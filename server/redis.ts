import { Redis } from 'ioredis';

/**
 * A Redis connection for one purpose (publishing, subscribing, the Socket.IO adapter): a
 * subscribed connection cannot run other commands, so each user gets its own. Commands are
 * queued while reconnecting so a Redis restart delays live traffic instead of failing it.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: `tandem:${name}`, maxRetriesPerRequest: null, enableAutoPipelining: true });
}
