import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { runSql } from '../../db/sql';
import { AppError } from '../errors';
import { fieldOf, findObject } from '../records/registry';
import { levelFor, readableWhere, titleSql } from '../records/query';
import { l, opt } from '../records/labels';
import type { ObjectDef } from '../records/types';
import { relativeRange, todayInZone } from '../time';
import { BILLABLE } from '../sales/orders';
import { currencies } from '../sales/objects';
import { registerDashboard, registerMetric } from './registry';
import type { MetricColumn, MetricResult } from '../../collab/channels/events';

// The sales dashboard. Every figure is an aggregate over record HEADERS (the order total is kept
// on the order, the balance on the receivable), never over order lines, so recomputing after a
// write stays cheap with 1,000,000 lines. Each figure counts only the rows the viewer may read
// on the object it is built from (readableWhere applies the read level's scope: an own-level
// salesperson counts only his own orders); a field hidden from the viewer is not used to split
// the figures, and a hidden amount is not shown. Money is summed in PostgreSQL numeric and
// leaves the database as a decimal string; amounts in different currencies are never added.

const objectDef = (name: string): ObjectDef => {
  const def = findObject(name);
  if (!def) throw new AppError('not_found', `Unknown object "${name}"`);
  return def;
};

/** The values a select field may hold (an order's currencies). */
const currencyList = (def: ObjectDef): string[] => (fieldOf(def, 'currency')?.options ?? []).map((o) => o.value);

const hidden = (principal: Principal, object: string, field: string) => (principal.permissions[object]?.deny.read ?? []).includes(field);

/** Exact sum of a money expression as text, '0.00' when there is nothing to add. */
const money = (expr: string) => `round(coalesce(${expr}, 0), 2)::text`;

// Orders that are sales: confirmed, shipped or completed (not draft, not cancelled). Spelled out
// as literals (they are constants of the code) so the planner can use a partial index on them.
const billable = `t.status in (${BILLABLE.map((s) => `'${s.replace(/[^a-z]/g, '')}'`).join(', ')})`;

type Column = MetricColumn;
const columns = {
  currency: { name: 'currency', label: l('Currency', '币种'), type: 'text' } satisfies Column,
  count: (en: string, zh: string): Column => ({ name: 'count', label: l(en, zh), type: 'number' }),
  amount: (en: string, zh: string): Column => ({ name: 'amount', label: l(en, zh), type: 'money' }),
};

type Period = 'thisMonth' | 'lastMonth';
/** The period of a monthly figure: coded in the rows, in words on the chart and in an export. */
const periodColumn: Column = { name: 'period', label: l('Period', '期间'), type: 'text', options: [opt('thisMonth', 'This month', '本月'), opt('lastMonth', 'Last month', '上月')] };

/**
 * Count and amount this month and last month (company days), per currency, of the readable rows
 * of an object dated by its `date` column: one pass over two months of an index on the date.
 */
async function monthly(em: EntityManager, principal: Principal, object: 'salesOrder' | 'receipt', amountField: 'total' | 'amount', condition: string): Promise<(string | number | null)[][]> {
  const def = objectDef(object);
  const where = await readableWhere(em, def, principal, {});
  const [thisStart, thisEnd] = relativeRange('thisMonth', 0);
  const [lastStart] = relativeRange('lastMonth', 0);
  const split = !hidden(principal, object, 'currency');
  const showAmount = split && !hidden(principal, object, amountField);
  const amount = `t.${amountField}`;
  const rows = await runSql<{ currency: string | null; n_this: number; n_last: number; a_this: string; a_last: string }>(em, {
    text: `select ${split ? 't.currency' : 'null'} as currency,
                  (count(*) filter (where t.date >= ?::date))::int as n_this, (count(*) filter (where t.date < ?::date))::int as n_last,
                  ${money(`sum(${amount}) filter (where t.date >= ?::date)`)} as a_this, ${money(`sum(${amount}) filter (where t.date < ?::date)`)} as a_last
             from ${def.table} t
            where ${where.text} and ${condition} and t.date >= ?::date and t.date < ?::date
            group by 1 order by 1 nulls last`,
    bindings: [thisStart, thisStart, thisStart, thisStart, ...where.bindings, lastStart, thisEnd],
  });
  // Both periods for every currency seen in either, so a chart always has its pair of bars.
  const periods: Period[] = ['thisMonth', 'lastMonth'];
  return periods.flatMap((period) =>
    rows.map((r) => {
      const [n, a] = period === 'thisMonth' ? [r.n_this, r.a_this] : [r.n_last, r.a_last];
      return [period, r.currency, Number(n), showAmount ? a : null];
    }),
  );
}

/**
 * This month's sales orders per owner or department and currency: the name, count and amount,
 * largest amount first within each currency.
 */
async function thisMonthBy(em: EntityManager, principal: Principal, by: 'owner' | 'department'): Promise<(string | number | null)[][]> {
  const def = objectDef('salesOrder');
  const where = await readableWhere(em, def, principal, {});
  const [start, end] = relativeRange('thisMonth', 0);
  const field = by === 'owner' ? 'ownerId' : 'departmentId';
  const split = !hidden(principal, 'salesOrder', field);
  const splitCurrency = !hidden(principal, 'salesOrder', 'currency');
  const showAmount = splitCurrency && !hidden(principal, 'salesOrder', 'total');
  const key = split ? `t.${by}_id` : 'null::uuid';
  const rows = await runSql<{ name: string | null; currency: string | null; n: number; amount: string }>(em, {
    text: `with g as (
             select ${key} as key, ${splitCurrency ? 't.currency' : 'null'} as currency, count(*)::int as n, sum(t.total) as amount
               from sales_order t
              where ${where.text} and ${billable} and t.date >= ?::date and t.date < ?::date
              group by 1, 2)
           select x.name, g.currency, g.n, ${money('g.amount')} as amount
             from g left join ${by === 'owner' ? 'employee' : 'department'} x on x.id = g.key
            order by g.currency nulls last, g.amount desc, x.name nulls last`,
    bindings: [...where.bindings, start, end],
  });
  return rows.map((r) => [r.name, r.currency, Number(r.n), showAmount ? r.amount : null]);
}

const FunnelParams = z.strictObject({
  /** Opportunities in other currencies are not converted: the funnel shows one currency at a time. */
  currency: z.enum(currencies).default('CNY'),
});

registerMetric({
  name: 'sales.funnel',
  label: l('Sales funnel', '销售漏斗'),
  objects: ['opportunity', 'salesStage'],
  requires: [{ object: 'opportunity', action: 'read' }],
  params: FunnelParams,
  async compute(em, principal, params): Promise<MetricResult> {
    const def = objectDef('opportunity');
    const where = await readableWhere(em, def, principal, {});
    const currency = FunnelParams.parse(params).currency;
    const split = !hidden(principal, 'opportunity', 'stageId');
    const showAmount = !hidden(principal, 'opportunity', 'amount');
    const showWeighted = showAmount && !hidden(principal, 'opportunity', 'probability');
    // Weighted = Σ amount × probability (a percentage; the stage's when the opportunity has none),
    // added per stage first so no row needs its stage: Σ amount × own probability, plus the
    // stage's probability × Σ amount of those without one.
    const stage = objectDef('salesStage');
    const rows = await runSql<{ name: string | null; n: number; amount: string; weighted: string }>(em, {
      text: `with f as (
               select t.stage_id, count(*)::int as n, sum(t.amount) as amount, sum(t.amount * t.probability) as weighted_own,
                      sum(t.amount) filter (where t.probability is null) as amount_unset
                 from opportunity t
                where ${where.text} and t.status = 'open' and t.currency = ?
                group by t.stage_id),
             s as (
               select ${titleSql(stage, 'st', principal.locale)} as name, st.sort_order, st.active, f.n, f.amount,
                      (coalesce(f.weighted_own, 0) + coalesce(f.amount_unset, 0) * st.probability) / 100 as weighted
                 from sales_stage st left join f on f.stage_id = st.id)
             ${
               split
                 ? // Every stage in use in stage order, empty ones included (a funnel has no gaps); a retired one only while open opportunities hold it.
                   `select name, coalesce(n, 0)::int as n, ${money('amount')} as amount, ${money('weighted')} as weighted
                      from s where active or n is not null order by sort_order, name`
                 : `select null as name, n, ${money('amount')} as amount, ${money('weighted')} as weighted
                      from (select sum(n)::int as n, sum(amount) as amount, sum(weighted) as weighted from s) x where n > 0`
             }`,
      bindings: [...where.bindings, currency],
    });
    return {
      columns: [
        { name: 'stage', label: l('Stage', '销售阶段'), type: 'text' },
        columns.count('Opportunities', '机会数'),
        columns.amount('Amount', '预计金额'),
        { name: 'weighted', label: l('Weighted amount', '加权金额'), type: 'money' },
      ],
      rows: rows.map((r) => [r.name, Number(r.n), showAmount ? r.amount : null, showWeighted ? r.weighted : null]),
    };
  },
});

registerMetric({
  name: 'sales.ordersMonthly',
  label: l('Orders this month and last month', '本月与上月订单'),
  objects: ['salesOrder'],
  requires: [{ object: 'salesOrder', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [periodColumn, columns.currency, columns.count('Orders', '订单数'), columns.amount('Amount', '订单金额')],
      rows: await monthly(em, principal, 'salesOrder', 'total', billable),
    };
  },
});

registerMetric({
  name: 'sales.receiptsMonthly',
  label: l('Receipts this month and last month', '本月与上月回款'),
  objects: ['receipt'],
  requires: [{ object: 'receipt', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [periodColumn, columns.currency, columns.count('Receipts', '回款笔数'), columns.amount('Amount received', '回款金额')],
      rows: await monthly(em, principal, 'receipt', 'amount', 'true'),
    };
  },
});

export const ageingBuckets = ['0-30', '31-60', '61-90', '90+'] as const;

registerMetric({
  name: 'sales.receivablesAgeing',
  label: l('Receivables ageing', '应收账龄'),
  // The receivable holds total − receipts; the sales rules rewrite it when any of these change.
  objects: ['receivable', 'receipt', 'salesOrder', 'contract'],
  requires: [{ object: 'receivable', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    const def = objectDef('receivable');
    const where = await readableWhere(em, def, principal, {});
    // Age = days since the receivable's date, which is the order's date (or the contract's):
    // 0-30 is up to 30 days old, 90+ is more than 90. Company days; a future date counts as 0.
    const today = todayInZone();
    const split = !hidden(principal, 'receivable', 'currency');
    const showAmount = split && !hidden(principal, 'receivable', 'balance');
    const rows = await runSql<{ currency: string | null; b0: string; b1: string; b2: string; b3: string }>(em, {
      text: `select currency,
                    ${money('sum(balance) filter (where age <= 30)')} as b0, ${money('sum(balance) filter (where age between 31 and 60)')} as b1,
                    ${money('sum(balance) filter (where age between 61 and 90)')} as b2, ${money('sum(balance) filter (where age > 90)')} as b3
               from (select ${split ? 't.currency' : 'null'} as currency, t.balance, ?::date - coalesce(t.date, ?::date) as age
                       from receivable t where ${where.text} and t.status = 'open' and t.balance > 0) a
              group by 1 order by 1 nulls last`,
      bindings: [today, today, ...where.bindings],
    });
    // Every bucket for every currency with something outstanding: the chart's axis stays fixed.
    return {
      columns: [
        {
          name: 'bucket',
          label: l('Age (days)', '账龄（天）'),
          type: 'text',
          options: [opt('0-30', '0–30 days', '0–30 天'), opt('31-60', '31–60 days', '31–60 天'), opt('61-90', '61–90 days', '61–90 天'), opt('90+', 'Over 90 days', '90 天以上')],
        },
        columns.currency,
        columns.amount('Outstanding', '未收金额'),
      ],
      rows: ageingBuckets.flatMap((bucket, i) => rows.map((r) => [bucket, r.currency, showAmount ? [r.b0, r.b1, r.b2, r.b3][i] : null])),
    };
  },
});

registerMetric({
  name: 'sales.topCustomers',
  label: l('Top customers this year', '本年客户排行'),
  objects: ['salesOrder', 'customer'],
  requires: [{ object: 'salesOrder', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    const def = objectDef('salesOrder');
    const where = await readableWhere(em, def, principal, {});
    const cols: Column[] = [{ name: 'customer', label: l('Customer', '客户'), type: 'text' }, columns.currency, columns.amount('Order amount', '订单金额')];
    // A ranking by a hidden amount (or across currencies) would tell what it hides: none then.
    if (hidden(principal, 'salesOrder', 'total') || hidden(principal, 'salesOrder', 'currency')) return { columns: cols, rows: [] };
    const split = !hidden(principal, 'salesOrder', 'customerId');
    const [start, end] = relativeRange('thisYear', 0);
    const key = split ? 't.customer_id' : 'null::uuid';
    // The ten largest per currency: amounts in different currencies are not ranked together.
    // Names are looked up for the winners only.
    const rows =
      levelFor(principal, def, 'read') === 'all'
        ? // Everybody's orders: per currency, this year's sales in customer order are added up as
          // they stream by and only the ten largest sums are kept — no hash or sort of every
          // customer. `extract(year …)` is spelled as the proposed index spells it.
          await runSql<{ customer: string | null; currency: string; amount: string }>(em, {
            text: `select (select c.name from customer c where c.id = x.customer_id) as customer, cur.currency, ${money('x.amount')} as amount
                     from (values ${currencyList(def).map(() => '(?)').join(', ')}) cur(currency)
                    cross join lateral (
                      select ${key} as customer_id, sum(t.total) as amount
                        from sales_order t
                       where ${where.text} and ${billable} and t.currency = cur.currency and extract(year from t.date) = ?
                       group by 1 order by 2 desc, 1 limit 10) x
                    order by cur.currency, x.amount desc, customer`,
            bindings: [...currencyList(def), ...where.bindings, Number(start.slice(0, 4))],
          })
        : // A department's or one's own orders: few enough to add up by a date range of the scope's index.
          await runSql<{ customer: string | null; currency: string; amount: string }>(em, {
            text: `with s as (
                     select ${key} as customer_id, t.currency, sum(t.total) as amount
                       from sales_order t
                      where ${where.text} and ${billable} and t.date >= ?::date and t.date < ?::date
                      group by 1, 2),
                   r as (select s.*, row_number() over (partition by s.currency order by s.amount desc, s.customer_id) as rank from s)
                   select (select c.name from customer c where c.id = r.customer_id) as customer, r.currency, ${money('r.amount')} as amount
                     from r where r.rank <= 10
                    order by r.currency, r.amount desc, customer`,
            bindings: [...where.bindings, start, end],
          });
    return { columns: cols, rows: rows.map((r) => [r.customer, r.currency, r.amount]) };
  },
});

registerMetric({
  name: 'sales.bySalesperson',
  label: l("This month's orders by salesperson", '本月订单（按销售员）'),
  objects: ['salesOrder', 'employee'],
  requires: [{ object: 'salesOrder', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [{ name: 'name', label: l('Salesperson', '销售员'), type: 'text' }, columns.currency, columns.count('Orders', '订单数'), columns.amount('Amount', '订单金额')],
      rows: await thisMonthBy(em, principal, 'owner'),
    };
  },
});

registerMetric({
  name: 'sales.byDepartment',
  label: l("This month's orders by department", '本月订单（按部门）'),
  objects: ['salesOrder', 'department'],
  requires: [{ object: 'salesOrder', action: 'read' }],
  async compute(em, principal): Promise<MetricResult> {
    return {
      columns: [{ name: 'name', label: l('Department', '部门'), type: 'text' }, columns.currency, columns.count('Orders', '订单数'), columns.amount('Amount', '订单金额')],
      rows: await thisMonthBy(em, principal, 'department'),
    };
  },
});

/** The sales dashboard's metrics, in the order the dashboard shows them. */
export const salesMetrics = ['sales.funnel', 'sales.ordersMonthly', 'sales.receiptsMonthly', 'sales.receivablesAgeing', 'sales.topCustomers', 'sales.bySalesperson', 'sales.byDepartment'];

registerDashboard({ name: 'sales', label: l('Sales', '销售'), metrics: salesMetrics });
