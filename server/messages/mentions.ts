import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';

/** Someone who can be mentioned: by `@login` or by `@<employee name>`. */
export type MentionCandidate = { id: string; login: string; name: string | null };

const WORD = /[A-Za-z0-9_]/;

/**
 * The users mentioned in a text, in order of first mention. At each `@` the longest login or
 * employee name that follows wins (so `@张三丰` is not `@张三`); a name ending in a Latin letter or
 * digit must end there (`@bob` does not match `@bobby`), while Chinese names need no space after
 * them (`@张三你好`). An `@` inside a word (an e-mail address) mentions nobody.
 */
export function findMentions(text: string, candidates: MentionCandidate[]): string[] {
  if (!text.includes('@') || !candidates.length) return [];
  const tokens: { token: string; id: string }[] = [];
  for (const c of candidates) {
    tokens.push({ token: c.login.toLowerCase(), id: c.id });
    if (c.name?.trim()) tokens.push({ token: c.name.trim().toLowerCase(), id: c.id });
  }
  tokens.sort((a, b) => b.token.length - a.token.length);
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (let i = lower.indexOf('@'); i >= 0; i = lower.indexOf('@', i + 1)) {
    if (i > 0 && /[A-Za-z0-9_.]/.test(lower[i - 1])) continue;
    const hit = tokens.find(({ token }) => {
      if (!lower.startsWith(token, i + 1)) return false;
      const next = lower[i + 1 + token.length];
      return !(WORD.test(token[token.length - 1]) && next !== undefined && WORD.test(next));
    });
    if (hit && !found.includes(hit.id)) found.push(hit.id);
  }
  return found;
}

/** Active users as mention candidates, optionally only these ids. */
export async function mentionCandidates(em: EntityManager, userIds?: string[]): Promise<MentionCandidate[]> {
  if (userIds && !userIds.length) return [];
  const rows = await query<{ id: string; login: string; name: string | null }>(
    em,
    `select u.id, u.login, e.name from app_user u left join employee e on e.id = u.employee_id
      where u.active${userIds ? ` and u.id in (${userIds.map(() => '?').join(', ')})` : ''}`,
    userIds ?? [],
  );
  return rows;
}

/** A short excerpt of a text around its first `@`, for a notification body. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const at = Math.max(0, flat.indexOf('@') - 40);
  const start = at > 0 ? at : 0;
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + max - 2)}…`;
}
