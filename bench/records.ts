// The record engine on PostgreSQL at the DESIGN.md size (100,000 customers, 500,000 contacts,
// 200,000 activities; see bench/generate.ts): list pages, filters, quick search, grouped
// totals, global search, xlsx export and a related-record filter — each through the service
// functions, beside a hand-written SQL query doing the same work on the same connection.
// Run as the administrator and as a department-level user (permission filtering).
// A missed budget prints EXPLAIN (ANALYZE, BUFFERS) of the SQL the engine generated.
import pg from 'pg';
import pino from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseEnv } from '../server/env';
import { prepareServices } from '../server/server';
import { departmentSubtree, loadPrincipal, type Principal } from '../server/auth/principal';
import { listRecords, type FilterNode } from '../server/records/query';
import { groupRecords } from '../server/records/groups';
import { exportRecords } from '../server/records/export';
import { globalSearch } from '../server/search/service';
import { findObject } from '../server/records/registry';
import { query } from '../db/sql';
import { relativeRange, timeZone } from '../server/time';
import { DEPT_USER, ensureBenchDatabase } from './generate';
import { load, ms, percentile, report } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const budgets = { list: 50, groups: 300, search: 100, exportSeconds: 15, exportFlatMb: 100 };

type Statement = { sql: string; bindings: unknown[] };

export async function benchRecords(): Promise<string[]> {
  const gen = await ensureBenchDatabase();
  if (gen.reused) console.log(`records: reusing the bench database (${gen.sizes.customers} customers, ${gen.sizes.contacts} contacts, ${gen.sizes.activities} activities)`);
  const parsed = parseEnv({ DATABASE_URL: gen.url, DATA_DIR: 'memory://', LOG_LEVEL: 'silent' });
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  const services = await prepareServices(parsed.env, pino({ level: 'silent' }));
  const em = services.db.orm.em.fork() as EntityManager;
  const knex = em.getConnection().getKnex();

  // Every statement the engine sends while `capture` is set (for EXPLAIN of a missed budget).
  let capture: Statement[] | null = null;
  knex.on('query', (q: { sql: string; bindings?: unknown[] }) => capture?.push({ sql: q.sql, bindings: q.bindings ?? [] }));
  const captured = async (fn: () => Promise<unknown>) => {
    capture = [];
    await fn();
    const out = capture;
    capture = null;
    return out;
  };

  const lines: string[] = [];
  const verdicts: { budget: string; name: string; value: number; limit: number; statements: Statement[] }[] = [];
  try {
    const customer = findObject('customer')!;
    const [sizes] = await query<{ customers: string; contacts: string; activities: string; size: string }>(
      em,
      `select (select count(*) from customer) as customers, (select count(*) from contact) as contacts, (select count(*) from activity) as activities, pg_size_pretty(pg_database_size(current_database())) as size`,
    );
    const [{ id: adminId }] = await query<{ id: string }>(em, `select id from app_user where login = 'admin'`);
    const [{ id: deptUserId }] = await query<{ id: string }>(em, `select id from app_user where login = ?`, [DEPT_USER]);
    const admin = (await loadPrincipal(em, adminId))!;
    const deptUser = (await loadPrincipal(em, deptUserId))!;
    const deptIds = await departmentSubtree(em, deptUser.departmentId);
    const [{ visible }] = await query<{ visible: string }>(em, `select count(*) as visible from customer t where t.owner_id = ? or t.department_id in (${deptIds.map(() => '?').join(', ')})`, [deptUser.employeeId, ...deptIds]);
    const dataLine = `records data: ${Number(sizes.customers).toLocaleString('en')} customers, ${Number(sizes.contacts).toLocaleString('en')} contacts, ${Number(sizes.activities).toLocaleString('en')} activities, database ${sizes.size}${gen.reused ? '' : `, generated in ${gen.seconds.toFixed(0)} s`}; department-level user "${DEPT_USER}" sees ${Number(visible).toLocaleString('en')} customers (${deptIds.length} departments)`;
    console.log(dataLine);
    lines.push(dataLine);

    // Hand-written SQL: the same columns, joins, WHERE, ORDER and LIMIT the engine produces.
    const columns = `t.id, t.created_at, t.updated_at, t.code, t.name, t.short_name, t.phone, t.fax, t.address, t.postcode, t.website, t.legal_representative,
      t.industry, t.source, t.grade, t.credit_limit, t.annual_revenue, t.owner_id, o.name as owner_name, t.department_id, d.name as department_name, t.tags, t.notes`;
    const from = `customer t left join employee o on o.id = t.owner_id left join department d on d.id = t.department_id`;
    const scopeOf = (p: Principal): { text: string; bindings: unknown[] } =>
      p === deptUser ? { text: `(t.owner_id = ? or t.department_id in (${deptIds.map(() => '?').join(', ')}))`, bindings: [deptUser.employeeId, ...deptIds] } : { text: 'true', bindings: [] };
    const rawList = async (p: Principal, where: string, bindings: unknown[], order: string) => {
      const scope = scopeOf(p);
      const w = `${scope.text} and ${where}`;
      const rows = await query(em, `select ${columns} from ${from} where ${w} order by ${order} limit 50 offset 0`, [...scope.bindings, ...bindings]);
      const [{ total }] = await query<{ total: string }>(em, `select count(*) as total from customer t where ${w}`, [...scope.bindings, ...bindings]);
      return { items: rows, total: Number(total) };
    };

    const measure = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < WARMUP; i++) await fn();
      return load(RUNS, 1, async () => {
        await fn();
      });
    };
    const pair = async (name: string, budget: 'list' | 'groups' | 'search', ours: () => Promise<{ total?: number } | unknown>, bare: () => Promise<{ total?: number } | unknown>) => {
      // Same answer first: the comparison only means something if both do the same work.
      const [a, b] = [(await ours()) as { total?: number }, (await bare()) as { total?: number }];
      const note = a?.total !== undefined && a.total !== b?.total ? `; TOTALS DIFFER ${a.total} vs ${b?.total}` : a?.total !== undefined ? `; ${a.total} rows match` : '';
      const oursT = await measure(ours);
      const bareT = await measure(bare);
      const limit = budgets[budget];
      const p95 = percentile(oursT, 95);
      lines.push(report(`${name} p95`, p95, percentile(bareT, 95), 'raw SQL', `p50 ${ms(percentile(oursT, 50))} vs ${ms(percentile(bareT, 50))}; budget ${limit} ms ${p95 < limit ? 'met' : 'MISSED'}${note}`));
      verdicts.push({ budget, name, value: p95, limit, statements: p95 < limit ? [] : await captured(ours) });
    };

    const newest = 't.created_at desc nulls last, t.id asc';
    for (const [who, p] of [['admin', admin], ['dept', deptUser]] as const) {
      // (a) first page, newest first, with the total.
      await pair(`(a) ${who}: customers page 1, -createdAt, limit 50 + count`, 'list', () => listRecords(em, customer, p, { sort: '-createdAt', limit: 50, offset: 0 }), () => rawList(p, 'true', [], newest));
      // (b) filtered and sorted by name.
      const filter: FilterNode = {
        and: [
          { field: 'grade', op: 'eq', value: 'A' },
          { field: 'industry', op: 'in', value: ['manufacturing', 'trade', 'it'] },
          { field: 'annualRevenue', op: 'gt', value: '10000000' },
        ],
      };
      await pair(`(b) ${who}: grade=A, industry in 3, revenue > 10M, sort name + count`, 'list', () => listRecords(em, customer, p, { filter, sort: 'name', limit: 50, offset: 0 }), () =>
        rawList(p, `t.grade = ? and t.industry in (?, ?, ?) and t.annual_revenue > ?`, ['A', 'manufacturing', 'trade', 'it', '10000000'], 't.name asc nulls last, t.id asc'),
      );
    }
    // A phone number as someone types part of it: the last 8 digits of a real customer's number.
    const [{ phone }] = await query<{ phone: string }>(em, `select phone from customer where phone is not null and phone ~ '[-() ]' order by code offset 777 limit 1`);
    const phoneDigits = phone.replace(/\D/g, '').slice(-8);
    for (const [who, p] of [['admin', admin], ['dept', deptUser]] as const) {
      // (c) the list's quick search: Chinese substring, pinyin initials, phone digits.
      for (const q of ['贸易', 'zsmy', phoneDigits]) {
        await pair(`(c) ${who}: quick search q=${q} + count`, 'list', () => listRecords(em, customer, p, { q, limit: 50, offset: 0 }), () => rawList(p, 't.search_text ilike ?', [`%${q}%`], newest));
      }
    }

    // (d) grouped totals over every customer.
    await pair(
      '(d) admin: group by grade, industry; count + sum:annualRevenue',
      'groups',
      () => groupRecords(em, customer, admin, ['grade', 'industry'], ['count', 'sum:annualRevenue'], {}),
      () =>
        query(
          em,
          `select t.grade as g0, grouping(t.grade) as x0, t.industry as g1, grouping(t.industry) as x1, count(*) as m0, sum(t.annual_revenue) as m1
             from customer t where true
            group by grouping sets ((t.grade), (t.grade, t.industry), ())
            order by x0 desc, g0 asc nulls last, x1 desc, g1 asc nulls last`,
        ),
    );

    // (e) global search over every object with search text.
    const searchTables = [
      { table: 'customer', title: 'name', subtitle: 'phone' },
      { table: 'contact', title: 'name', subtitle: 'mobile' },
      { table: 'employee', title: 'name', subtitle: 'mobile' },
      { table: 'product', title: 'name', subtitle: 'specification' },
    ];
    for (const q of ['贸易', 'maoyi', 'zhangwei']) {
      await pair(`(e) admin: global search "${q}" (limit 20)`, 'search', () => globalSearch(em, admin, q, 20), async () => {
        const hits: { score: number }[] = [];
        for (const s of searchTables) {
          hits.push(
            ...(await query<{ score: number }>(
              em,
              `select t.id, t.${s.title} as title, t.${s.subtitle}::text as subtitle, similarity(t.search_text, ?) + case when lower(t.${s.title}) like ? then 1 else 0 end as score
                 from ${s.table} t where t.search_text ilike ? order by score desc limit 20`,
              [q, `${q}%`, `%${q}%`],
            )),
          );
        }
        return hits.sort((a, b) => b.score - a.score).slice(0, 20);
      });
    }

    // (g) related-record filter: customers with an activity in the last 30 days.
    const recent: FilterNode = { related: 'activity', via: 'customerId', where: { field: 'at', op: 'lastNDays', value: 30 } };
    // The same window as the engine: from the company's midnight 30 days back to the end of today.
    const [start, end] = relativeRange('lastNDays', 30);
    const tz = timeZone();
    await pair('(g) admin: customers with an activity in the last 30 days + count', 'list', () => listRecords(em, customer, admin, { filter: recent, limit: 50, offset: 0 }), () =>
      rawList(admin, `exists (select 1 from activity r where r.customer_id = t.id and r.at >= ?::timestamp at time zone ? and r.at < ?::timestamp at time zone ?)`, [start, tz, end, tz], newest),
    );

    // (f) export every customer to xlsx: time and peak RSS growth, beside a bare select of the same rows.
    const withRss = async (fn: () => Promise<number>) => {
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      const t0 = performance.now();
      const result = await fn();
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { elapsed, growthMb: (peak - before) / 2 ** 20, result };
    };
    let exportStatements: Statement[] = [];
    const ours = await withRss(async () => {
      capture = [];
      const stream = await exportRecords(em, customer, admin, { format: 'xlsx', locale: 'zh-CN' });
      let bytes = 0;
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
      exportStatements = capture;
      capture = null;
      return bytes;
    });
    const bare = await withRss(async () => {
      const rows = await query(em, `select t.code, t.name, t.phone, t.industry, t.grade, o.name as owner, d.name as department, t.annual_revenue from ${from} order by ${newest}`);
      return rows.length;
    });
    const exportOk = ours.elapsed / 1000 < budgets.exportSeconds && ours.growthMb < budgets.exportFlatMb;
    lines.push(
      report(`(f) admin: export ${Number(sizes.customers).toLocaleString('en')} customers to xlsx`, ours.elapsed, bare.elapsed, 'raw select of the same rows', `${(ours.result / 2 ** 20).toFixed(1)} MB file, ${exportStatements.length} queries; peak RSS +${ours.growthMb.toFixed(0)} MB vs +${bare.growthMb.toFixed(0)} MB; budget ${budgets.exportSeconds} s at flat memory (< +${budgets.exportFlatMb} MB) ${exportOk ? 'met' : 'MISSED'}`),
    );
    // For EXPLAIN: the first and the last page of the export.
    verdicts.push({ budget: 'export', name: '(f) export xlsx', value: ours.elapsed, limit: budgets.exportSeconds * 1000, statements: exportOk ? [] : [exportStatements[0], exportStatements[exportStatements.length - 1]].filter(Boolean) });

    // Budgets, as DESIGN.md states them.
    const worst = (b: string) => verdicts.filter((v) => v.budget === b).sort((x, y) => y.value / y.limit - x.value / x.limit)[0];
    const line = (b: string, label: string, unit = 'ms') => {
      const w = worst(b);
      const missed = verdicts.filter((v) => v.budget === b && v.value >= v.limit);
      const short = (n: string) => `${n.split(':')[0]}${n.match(/ (q=\S+|"[^"]+")/)?.[0] ?? ''}`;
      return `budget ${label}: ${missed.length ? `MISSED by ${missed.length} case(s): ${missed.map((m) => `${short(m.name)} ${unit === 's' ? `${(m.value / 1000).toFixed(1)} s` : ms(m.value)}`).join(', ')}` : `met (worst ${short(w.name)} ${unit === 's' ? `${(w.value / 1000).toFixed(1)} s` : ms(w.value)})`}`;
    };
    lines.push(line('list', `list page p95 < ${budgets.list} ms (a, b, c, g)`));
    lines.push(line('groups', `grouped totals < ${budgets.groups} ms (d, p95)`));
    lines.push(line('search', `global search p95 < ${budgets.search} ms (e)`));
    lines.push(`budget export 100k < ${budgets.exportSeconds} s at flat memory (f): ${exportOk ? 'met' : 'MISSED'} (${(ours.elapsed / 1000).toFixed(1)} s, peak RSS +${ours.growthMb.toFixed(0)} MB)`);

    // Why: the plans of what the engine sent for every missed case.
    if (process.env.BENCH_EXPLAIN !== '0') {
      // Knex hands the statements over with $n placeholders: explain them on a plain pg client.
      const explainClient = new pg.Client({ connectionString: gen.url });
      await explainClient.connect();
      await explainClient.query(`set time zone 'UTC'`);
      const seen = new Set<string>();
      for (const v of verdicts.filter((x) => x.statements.length)) {
        for (const s of v.statements) {
          const key = s.sql.replace(/\s+/g, ' ');
          if (seen.has(key + JSON.stringify(s.bindings))) continue;
          seen.add(key + JSON.stringify(s.bindings));
          const plan = (await explainClient.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.sql}`, s.bindings)).rows;
          console.log(`\n--- EXPLAIN ANALYZE for ${v.name} (${v.budget === 'export' ? `${(v.value / 1000).toFixed(1)} s` : `p95 ${ms(v.value)}`}):\n${key.length > 600 ? `${key.slice(0, 600)}…` : key}\n  bindings ${JSON.stringify(s.bindings).slice(0, 300)}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
        }
      }
      await explainClient.end();
    }
  } finally {
    await services.db.close();
  }
  return lines;
}
