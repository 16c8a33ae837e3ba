import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { runSql } from '../../db/sql';
import { allObjects, fieldOf } from '../records/registry';
import { col, discriminatorSql, ident, levelFor, quickSearch, scopeCondition } from '../records/query';
import { normaliseQuery } from './text';
import { searchTextOf } from '../records/service';

const CANDIDATES = 200;

export type SearchHit = { object: string; id: string; title: string; subtitle: string | null; score: number };

/**
 * Global search: every object with a search_text, only rows the principal may read, ranked by
 * trigram similarity (exact prefix matches first).
 */
export async function globalSearch(em: EntityManager, principal: Principal, q: string, limit: number): Promise<SearchHit[]> {
  const needle = normaliseQuery(q)[0];
  if (!needle) return [];
  const hits: SearchHit[] = [];
  for (const def of allObjects().filter((o) => o.searchText)) {
    if (levelFor(principal, def, 'read') === 'none') continue;
    const scope = (await scopeCondition(em, def, principal, levelFor(principal, def, 'read')))!;
    const only = discriminatorSql(def);
    const readDenied = principal.permissions[def.name]?.deny.read ?? [];
    const match = quickSearch(def, q, readDenied);
    const title = fieldOf(def, def.titleField)!;
    const subtitle = def.subtitleField && !readDenied.includes(def.subtitleField) ? fieldOf(def, def.subtitleField) : undefined;
    // Score a bounded set of candidates — the shortest titles, which are the closest to any
    // match — against the title only: ranking thousands of long search texts costs more than
    // finding them.
    const rows = await runSql<{ id: string; title: string; subtitle: string | null; score: number }>(em, {
      text: `select c.id, c.title, c.subtitle,
                    similarity(lower(c.title), ?) + case when lower(c.title) like ? then 1 else 0 end as score
               from (select t.id, ${col(title)} as title, ${subtitle ? `${col(subtitle)}::text` : 'null'} as subtitle
                       from ${ident(def.table)} t
                      where ${only.text} and ${scope.text} and ${match.text}
                      order by length(${col(title)}) limit ${CANDIDATES}) c
              order by score desc limit ?`,
      bindings: [needle, `${needle.replace(/[\\%_]/g, (m) => `\\${m}`)}%`, ...only.bindings, ...scope.bindings, ...match.bindings, limit],
    });
    hits.push(...rows.map((r) => ({ object: def.name, id: r.id, title: r.title, subtitle: r.subtitle, score: Number(r.score) })));
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Fills search_text for rows written before it existed (or after its rules changed), 1,000 rows per statement. */
export async function backfillSearchText(em: EntityManager): Promise<number> {
  let total = 0;
  for (const def of allObjects().filter((o) => o.searchText)) {
    const only = discriminatorSql(def);
    const columns = def.fields.filter((f) => f.searchable).map((f) => `${col(f)} as ${ident(f.name)}`);
    for (;;) {
      const rows = await runSql<Record<string, unknown>>(em, {
        text: `select t.id, ${columns.join(', ')} from ${ident(def.table)} t where t.search_text = '' and ${only.text} limit 1000`,
        bindings: only.bindings,
      });
      if (rows.length) {
        await runSql(em, {
          text: `update ${ident(def.table)} t set search_text = v.s from (values ${rows.map(() => '(?::uuid, ?)').join(', ')}) v(id, s) where t.id = v.id`,
          bindings: rows.flatMap((r) => [r.id, searchTextOf(def, r)]),
        });
      }
      total += rows.length;
      if (rows.length < 1000) break;
    }
  }
  return total;
}
