import type { Services } from '../server/context';
import { liveSessions } from '../server/auth/sessions';

/** How often the sessions of open connections are checked; tests shorten it before starting a server. */
export const sessionTimings = { checkMs: 30_000 };

/** What a long-lived connection (a socket, a co-editing connection) tells the watcher. */
export type HeldSession = { sessionId: string; /** Set by the connection when its user did something over it. */ used?: boolean };

/**
 * Watches the sessions held by long-lived connections. Every `sessionTimings.checkMs`: sessions
 * whose connections were used meanwhile count as seen (typing in a card for hours is not
 * idling, though it sends no HTTP request), and those that ended — idle, past their expiry,
 * user disabled, signed out elsewhere — are reported so their connections close.
 */
export function watchSessions(services: Services, held: () => HeldSession[], ended: (sessionIds: Set<string>) => void): { close(): void } {
  let checking = false;
  const check = async () => {
    const all = held();
    const ids = [...new Set(all.map((h) => h.sessionId))];
    if (!ids.length) return;
    const used = new Set(all.filter((h) => h.used).map((h) => h.sessionId));
    for (const h of all) h.used = false;
    const alive = await liveSessions(services.db.orm.em.fork(), services.env, ids, used);
    const gone = new Set(ids.filter((id) => !alive.has(id)));
    if (gone.size) ended(gone);
  };
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .catch((err) => services.log.error({ err }, 'checking the sessions of open connections failed'))
      .finally(() => (checking = false));
  }, sessionTimings.checkMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
