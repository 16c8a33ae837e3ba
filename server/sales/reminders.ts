import { query } from '../../db/sql';
import { loadPrincipal, type Principal } from '../auth/principal';
import type { Services } from '../context';
import { notify } from '../notifications/service';
import { findRecord } from '../records/query';
import { requireObject } from '../records/service';
import { timeZone } from '../time';

/** A task's owner hears about it this long before its planned time. */
export const REMINDER_LEAD_MS = 15 * 60_000;
/** Tasks planned longer ago than this (and still open) get no reminder any more: the workbench lists them. */
const LOOK_BACK_MS = 24 * 3_600_000;
const BATCH = 500;

type DueRow = { id: string; user_id: string; subject: string; planned_at: Date | string; epoch: string; customer: string | null };

const when = (at: Date) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: timeZone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(at);

/**
 * Sends a reminder to the owner of every open sales task falling due (planned within the next
 * 15 minutes, or missed within the last day), once per task and planned time: moving a task to
 * another time reminds again, marking it done stops it. The dedupe key makes this safe to run on
 * every node at once. Returns how many reminders went out.
 */
export async function sendTaskReminders(services: Services, now = new Date()): Promise<number> {
  const em = services.db.orm.em.fork();
  const rows = await query<DueRow>(
    em,
    `select t.id, u.id as user_id, t.subject, t.planned_at, extract(epoch from t.planned_at)::bigint::text as epoch, c.name as customer
       from sales_task t
       join app_user u on u.employee_id = t.owner_id and u.active
       left join customer c on c.id = t.customer_id
      where t.done_at is null and t.planned_at <= ? and t.planned_at > ?
        and not exists (select 1 from notification n where n.user_id = u.id and n.dedupe_key = 'salesTask:' || t.id || ':' || extract(epoch from t.planned_at)::bigint)
      order by t.planned_at limit ?`,
    [new Date(now.getTime() + REMINDER_LEAD_MS), new Date(now.getTime() - LOOK_BACK_MS), BATCH],
  );
  const def = requireObject('salesTask');
  const principals = new Map<string, Promise<Principal | null>>();
  let sent = 0;
  for (const row of rows) {
    let principal = principals.get(row.user_id);
    if (!principal) principals.set(row.user_id, (principal = loadPrincipal(em, row.user_id)));
    const p = await principal;
    // The text names the task: only someone who may read it hears about it.
    if (!p || !(await findRecord(em, def, p, row.id))) continue;
    const at = when(new Date(row.planned_at));
    const dto = await notify(services, em, {
      userId: row.user_id,
      kind: 'reminder',
      title: { en: `Sales task due: ${row.subject}`, 'zh-CN': `销售任务到期：${row.subject}` },
      body: {
        en: `Planned for ${at}${row.customer ? ` · ${row.customer}` : ''}`,
        'zh-CN': `计划时间 ${at}${row.customer ? ` · ${row.customer}` : ''}`,
      },
      link: `/records/salesTask/${row.id}`,
      data: { object: 'salesTask', id: row.id, plannedAt: new Date(row.planned_at).toISOString() },
      dedupeKey: `salesTask:${row.id}:${row.epoch}`,
    });
    if (dto) sent++;
  }
  return sent;
}

/** Runs sendTaskReminders every `tickMs` on this node until closed. */
export function startSalesReminders(services: Services, tickMs = 30_000): { close(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let closed = false;
  const tick = () => {
    if (running || closed) return;
    running = sendTaskReminders(services)
      .catch((err) => services.log.error({ err }, 'sales task reminders failed'))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, tickMs);
  tick();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
