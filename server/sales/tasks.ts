import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { fetchPage, type RecordDto } from '../records/query';
import { registerWriteHook, requireObject, type WriteContext } from '../records/service';
import { fieldError } from './access';
import { toCents } from './money';
import { REMINDER_LEAD_MS } from './reminders';

/** A task's cost is never negative. */
async function onTaskWritten(_ctx: WriteContext, task: RecordDto, action: 'create' | 'update' | 'delete') {
  if (action === 'delete') return;
  if (task.cost != null && toCents(task.cost) < 0n) fieldError('cost', 'too_small', { min: 0 });
}

export function registerTaskRules(): void {
  registerWriteHook('salesTask', onTaskWritten);
}

/**
 * The user's workbench list: their open sales tasks (owned by their employee, not done) planned
 * for today or earlier, or coming due as soon as a reminder goes out (also just after
 * midnight), oldest first, as far as they may read them.
 */
export async function dueTasks(em: EntityManager, principal: Principal, now = new Date()): Promise<RecordDto[]> {
  if (!principal.employeeId) return [];
  const { items } = await fetchPage(em, requireObject('salesTask'), principal, {
    filter: {
      and: [
        { field: 'ownerId', op: 'eq', value: principal.employeeId },
        { field: 'doneAt', op: 'isNull' },
        { or: [{ field: 'plannedAt', op: 'today' }, { field: 'plannedAt', op: 'lt', value: new Date(now.getTime() + REMINDER_LEAD_MS).toISOString() }] },
      ],
    },
    sort: 'plannedAt',
    limit: 200,
    offset: 0,
  });
  return items;
}
