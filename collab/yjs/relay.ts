// Yjs updates and awareness of each open doc cross nodes over Redis pub/sub, one channel per
// doc (`<REDIS_PREFIX>:yjs:<name>`), as binary messages tagged with the sending node so it skips its own.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRedis } from '../../server/redis';

export const relayUpdate = 0;
export const relayAwareness = 1;
/** A node just opened the doc: the others answer with the presence of their connections. */
export const relayQueryAwareness = 2;

export type RelayKind = typeof relayUpdate | typeof relayAwareness | typeof relayQueryAwareness;
export type RelayMessage = { kind: RelayKind; userId: string | null; data: Uint8Array };
export type RelayListener = (message: RelayMessage) => void;

/** The Redis side of co-editing on one node: one publishing and one subscribed connection for all docs. */
export class YjsRelay {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly listeners = new Map<string, RelayListener>();
  private readonly prefix: string;

  constructor(
    url: string,
    redisPrefix: string,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {
    this.prefix = `${redisPrefix}:yjs:`;
    this.pub = createRedis(url, 'yjs-pub');
    this.sub = createRedis(url, 'yjs-sub');
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
    for (const r of [this.pub, this.sub]) r.on('error', (err) => this.log.warn({ err }, 'redis (co-editing relay)'));
  }

  private channelOf(doc: string): string {
    return `${this.prefix}${doc}`;
  }

  /** Starts receiving a doc's messages; resolves once Redis confirmed, so nothing published later is missed. */
  async subscribe(doc: string, listener: RelayListener): Promise<void> {
    this.listeners.set(doc, listener);
    await this.sub.subscribe(this.channelOf(doc));
  }

  async unsubscribe(doc: string): Promise<void> {
    this.listeners.delete(doc);
    await this.sub.unsubscribe(this.channelOf(doc)).catch((err) => this.log.warn({ err, doc }, 'unsubscribing a doc failed'));
  }

  publish(doc: string, kind: RelayKind, userId: string | null, data: Uint8Array): void {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, this.nodeId);
    encoding.writeVarUint(e, kind);
    encoding.writeVarString(e, userId ?? '');
    encoding.writeVarUint8Array(e, data);
    void this.pub.publish(this.channelOf(doc), Buffer.from(encoding.toUint8Array(e))).catch((err) => this.log.error({ err, doc }, 'relaying a co-editing update failed'));
  }

  private receive(channel: string, message: Buffer) {
    if (!channel.startsWith(this.prefix)) return;
    const listener = this.listeners.get(channel.slice(this.prefix.length));
    if (!listener) return;
    try {
      const d = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      if (decoding.readVarString(d) === this.nodeId) return;
      const kind = decoding.readVarUint(d);
      const userId = decoding.readVarString(d) || null;
      const data = decoding.readVarUint8Array(d);
      if (kind !== relayUpdate && kind !== relayAwareness && kind !== relayQueryAwareness) return;
      listener({ kind, userId, data });
    } catch (err) {
      this.log.warn({ err, channel }, 'unreadable co-editing relay message');
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.sub.disconnect();
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
