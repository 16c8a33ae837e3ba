import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Env } from '../env';
import { execute, query } from '../../db/sql';

export const SESSION_COOKIE = 'tandem_session';
/** lastSeenAt is refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session and returns the raw token for the cookie (only its hash is stored). */
export async function createSession(em: EntityManager, env: Env, userId: string, client: { ip: string | null; userAgent: string | null }) {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + env.SESSION_MAX_HOURS * 3_600_000);
  await execute(
    em,
    `insert into session (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent) values (?, ?, ?, ?, ?, ?, ?)`,
    [hashToken(token), userId, now, now, expiresAt, client.ip, client.userAgent?.slice(0, 500) ?? null],
  );
  return { token, sessionId: hashToken(token), expiresAt };
}

/** The session's user when the token is valid and neither idle nor past its absolute expiry. */
export async function resolveSession(em: EntityManager, env: Env, token: string): Promise<{ sessionId: string; userId: string } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = hashToken(token);
  const [row] = await query<{ user_id: string; last_seen_at: Date; expires_at: Date }>(
    em,
    `select user_id, last_seen_at, expires_at from session where id = ?`,
    [id],
  );
  if (!row) return null;
  const now = Date.now();
  const idleDeadline = new Date(row.last_seen_at).getTime() + env.SESSION_IDLE_MINUTES * 60_000;
  if (now > idleDeadline || now > new Date(row.expires_at).getTime()) {
    await execute(em, `delete from session where id = ?`, [id]);
    return null;
  }
  if (now - new Date(row.last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
    await execute(em, `update session set last_seen_at = ? where id = ?`, [new Date(now), id]);
  }
  return { sessionId: id, userId: row.user_id };
}

export async function deleteSession(em: EntityManager, sessionId: string): Promise<void> {
  await execute(em, `delete from session where id = ?`, [sessionId]);
}

/** Ends every session of a user except, optionally, the one making the request. */
export async function revokeUserSessions(em: EntityManager, userId: string, exceptSessionId?: string): Promise<void> {
  await execute(em, `delete from session where user_id = ? and id <> ?`, [userId, exceptSessionId ?? '']);
}

/**
 * Of the given sessions, those still valid by the rules of resolveSession (neither idle nor past
 * their expiry, the user still active). Sessions in `used` were used meanwhile over a long-lived
 * connection and count as seen now, unless they had already ended.
 */
export async function liveSessions(em: EntityManager, env: Env, ids: string[], used: Set<string> = new Set()): Promise<Set<string>> {
  const alive = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    const touched = part.filter((id) => used.has(id));
    if (touched.length) {
      await execute(
        em,
        `update session set last_seen_at = now() where id in (${touched.map(() => '?').join(', ')}) and expires_at > now() and last_seen_at > now() - make_interval(mins => ?)`,
        [...touched, env.SESSION_IDLE_MINUTES],
      );
    }
    const rows = await query<{ id: string }>(
      em,
      `select s.id from session s join app_user u on u.id = s.user_id
        where s.id in (${part.map(() => '?').join(', ')}) and u.active and s.expires_at > now() and s.last_seen_at > now() - make_interval(mins => ?)`,
      [...part, env.SESSION_IDLE_MINUTES],
    );
    for (const r of rows) alive.add(r.id);
  }
  return alive;
}
