import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../events';
import { execute } from '../../db/sql';

export type OperationEntry = {
  userId: string | null;
  object: string;
  recordId: string;
  action: 'create' | 'update' | 'delete';
  changes: Record<string, { old: unknown; new: unknown }>;
  channel: Channel;
};

/** Appends to the operation log inside the caller's transaction, so a rolled-back write leaves no trace. */
export async function writeOperationLog(em: EntityManager, entry: OperationEntry): Promise<void> {
  await execute(
    em,
    `insert into operation_log (at, user_id, object, record_id, action, changes, channel) values (?, ?, ?, ?, ?, ?, ?)`,
    [new Date(), entry.userId, entry.object, entry.recordId, entry.action, JSON.stringify(entry.changes), entry.channel],
  );
}

export type LoginEntry = {
  login: string;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  success: boolean;
  reason: 'ok' | 'unknown_user' | 'wrong_password' | 'disabled' | 'locked' | 'ip_throttled';
};

export async function writeLoginLog(em: EntityManager, entry: LoginEntry): Promise<void> {
  await execute(
    em,
    `insert into login_log (at, login, user_id, ip, user_agent, success, reason) values (?, ?, ?, ?, ?, ?, ?)`,
    [new Date(), entry.login.slice(0, 64), entry.userId, entry.ip, entry.userAgent?.slice(0, 500) ?? null, entry.success, entry.reason],
  );
}
