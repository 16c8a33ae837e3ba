import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { runSql } from '../../db/sql';
import { AppError } from '../errors';
import { findObject } from '../records/registry';
import { readableWhere } from '../records/query';
import { l } from '../records/labels';
import type { ObjectDef } from '../records/types';
import { relativeRange, timeZone } from '../time';
import { registerDashboard, registerMetric } from './registry';
import type { MetricResult } from '../../collab/channels/events';

// The first dashboard: customers and activities. Every figure counts only rows the viewer may
// read (readableWhere applies the read level's scope); a field hidden from the viewer is not
// used to split the figures.

const objectDef = (name: string): ObjectDef => {
  const def = findObject(name);
  if (!def) throw new AppError('not_found', `Unknown object "${name}"`);
  return def;
};

const hidden = (principal: Principal, object: string, field: string) => (principal.permissions[object]?.deny.read ?? []).includes(field);

/** `[start, end)` of company days as timestamps: SQL and bindings on `expr`. */
const between = (expr: string, start: string, end: string) => ({
  text: `${expr} >= (?::date)::timestamp at time zone ? and ${expr} < (?::date)::timestamp at time zone ?`,
  bindings: [start, timeZone(), end, timeZone()],
});

/** Counts of readable rows per value of a select field (labels in the viewer's language), within a time window. */
async function countBySelect(em: EntityManager, principal: Principal, object: string, field: string, timeColumn: string, range: [string, string] | null): Promise<(string | number | null)[][]> {
  const def = objectDef(object);
  const where = await readableWhere(em, def, principal, {});
  const window = range ? between(`t.${timeColumn}`, range[0], range[1]) : { text: 'true', bindings: [] };
  const split = !hidden(principal, object, field);
  const column = def.fields.find((f) => f.name === field)!;
  const rows = await runSql<{ v: string | null; n: number }>(em, {
    text: `select ${split ? `t.${column.column}` : 'null'} as v, count(*)::int as n from ${def.table} t where ${where.text} and ${window.text} group by 1 order by 2 desc, 1 nulls last`,
    bindings: [...where.bindings, ...window.bindings],
  });
  const locale = principal.locale;
  return rows.map((r) => [r.v === null ? null : (column.options?.find((o) => o.value === r.v)?.label[locale] ?? r.v), Number(r.n)]);
}

registerMetric({
  name: 'customers.addedThisMonthByDepartment',
  label: l('Customers added this month by department', '本月新增客户（按部门）'),
  objects: ['customer'],
  requires: [{ object: 'customer', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    const def = objectDef('customer');
    const where = await readableWhere(em, def, principal, {});
    const [start, end] = relativeRange('thisMonth', 0);
    const window = between('t.created_at', start, end);
    const split = !hidden(principal, 'customer', 'departmentId');
    const rows = await runSql<{ department: string | null; n: number }>(em, {
      text: split
        ? `select d.name as department, count(*)::int as n from customer t left join department d on d.id = t.department_id
            where ${where.text} and ${window.text} group by d.id, d.name order by n desc, d.name nulls last`
        : `select null as department, count(*)::int as n from customer t where ${where.text} and ${window.text} having count(*) > 0`,
      bindings: [...where.bindings, ...window.bindings],
    });
    return {
      columns: [
        { name: 'department', label: l('Department', '部门'), type: 'text' },
        { name: 'count', label: l('Customers', '客户数'), type: 'number' },
      ],
      rows: rows.map((r) => [r.department, Number(r.n)]),
    };
  },
});

registerMetric({
  name: 'customers.newPerDay',
  label: l('New customers per day (last 30 days)', '每日新增客户（近 30 天）'),
  objects: ['customer'],
  requires: [{ object: 'customer', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    const def = objectDef('customer');
    const where = await readableWhere(em, def, principal, {});
    const [start, end] = relativeRange('lastNDays', 30);
    const window = between('t.created_at', start, end);
    const rows = await runSql<{ day: string; n: number }>(em, {
      text: `select to_char((t.created_at at time zone ?)::date, 'YYYY-MM-DD') as day, count(*)::int as n from customer t where ${where.text} and ${window.text} group by 1`,
      bindings: [timeZone(), ...where.bindings, ...window.bindings],
    });
    const counts = new Map(rows.map((r) => [r.day, Number(r.n)]));
    // Every day of the window, zeros included, so a chart's axis has no gaps.
    const days: (string | number)[][] = [];
    for (let d = new Date(`${start}T00:00:00Z`); d.toISOString().slice(0, 10) < end; d.setUTCDate(d.getUTCDate() + 1)) {
      const day = d.toISOString().slice(0, 10);
      days.push([day, counts.get(day) ?? 0]);
    }
    return {
      columns: [
        { name: 'day', label: l('Day', '日期'), type: 'date' },
        { name: 'count', label: l('New customers', '新增客户'), type: 'number' },
      ],
      rows: days,
    };
  },
});

registerMetric({
  name: 'customers.byGrade',
  label: l('Customers by credit grade', '客户信用等级分布'),
  objects: ['customer'],
  requires: [{ object: 'customer', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [
        { name: 'grade', label: l('Credit grade', '信用等级'), type: 'text' },
        { name: 'count', label: l('Customers', '客户数'), type: 'number' },
      ],
      rows: await countBySelect(em, principal, 'customer', 'grade', 'created_at', null),
    };
  },
});

registerMetric({
  name: 'activities.todayByType',
  label: l('Activities today by type', '今日联系记录（按类型）'),
  objects: ['activity'],
  requires: [{ object: 'activity', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [
        { name: 'type', label: l('Type', '类型'), type: 'text' },
        { name: 'count', label: l('Activities', '联系记录数'), type: 'number' },
      ],
      rows: await countBySelect(em, principal, 'activity', 'type', 'at', relativeRange('today', 0)),
    };
  },
});

registerMetric({
  name: 'customers.totals',
  label: l('Customer totals', '客户总览'),
  objects: ['customer'],
  requires: [{ object: 'customer', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    const def = objectDef('customer');
    const where = await readableWhere(em, def, principal, {});
    const month = relativeRange('thisMonth', 0);
    const week = relativeRange('thisWeek', 0);
    const today = relativeRange('today', 0);
    const m = between('t.created_at', ...month);
    const w = between('t.created_at', ...week);
    const d = between('t.created_at', ...today);
    const [row] = await runSql<{ total: number; month: number; week: number; today: number }>(em, {
      text: `select count(*)::int as total, (count(*) filter (where ${m.text}))::int as month, (count(*) filter (where ${w.text}))::int as week,
                    (count(*) filter (where ${d.text}))::int as today
               from customer t where ${where.text}`,
      bindings: [...m.bindings, ...w.bindings, ...d.bindings, ...where.bindings],
    });
    const locale = principal.locale;
    return {
      columns: [
        { name: 'figure', label: l('Figure', '指标'), type: 'text' },
        { name: 'value', label: l('Value', '数值'), type: 'number' },
      ],
      rows: [
        [l('All customers', '客户总数')[locale], Number(row.total)],
        [l('Added this month', '本月新增')[locale], Number(row.month)],
        [l('Added this week', '本周新增')[locale], Number(row.week)],
        [l('Added today', '今日新增')[locale], Number(row.today)],
      ],
    };
  },
});

registerDashboard({
  name: 'customers',
  label: l('Customers', '客户'),
  metrics: ['customers.totals', 'customers.addedThisMonthByDepartment', 'customers.newPerDay', 'customers.byGrade', 'activities.todayByType'],
});
