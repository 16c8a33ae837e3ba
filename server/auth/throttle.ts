import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';

/**
 * Login throttling reads the login log itself, so every node of a cluster sees the same
 * failures and there is no second store to keep in step.
 */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 20,
};

const failureReasons = ['unknown_user', 'wrong_password', 'disabled'];

/** Seconds until the account or IP may try again, or 0 when it may try now. */
async function retryAfter(em: EntityManager, column: 'login' | 'ip', value: string, max: number): Promise<number> {
  const since = new Date(Date.now() - THROTTLE.windowMs);
  const rows = await query<{ at: Date }>(
    em,
    `select at from login_log where ${column} = ? and at > ? and success = false and reason in (${failureReasons.map(() => '?').join(', ')}) order by at desc limit ?`,
    [value, since, ...failureReasons, max],
  );
  if (rows.length < max) return 0;
  // Locked until the oldest of the last `max` failures leaves the window.
  const oldest = new Date(rows[rows.length - 1].at).getTime();
  return Math.max(1, Math.ceil((oldest + THROTTLE.windowMs - Date.now()) / 1000));
}

export function accountRetryAfter(em: EntityManager, login: string) {
  return retryAfter(em, 'login', login, THROTTLE.maxFailuresPerAccount);
}

export function ipRetryAfter(em: EntityManager, ip: string) {
  return retryAfter(em, 'ip', ip, THROTTLE.maxFailuresPerIp);
}
