import { query } from '../../db/sql';
import { registerWriteHook, updateRecord, type WriteContext } from '../records/service';
import type { RecordDto } from '../records/query';
import { todayInZone } from '../time';

/**
 * A contact's employment history: one current job at a time. Taking a new current job ends
 * the previous one (kept as history, dated today when it had no end date), and the contact's
 * company always shows the current job's customer.
 */
async function onEmploymentWritten(ctx: WriteContext, record: RecordDto, action: 'create' | 'update' | 'delete') {
  const contactId = record.contactId as string;
  if (action !== 'delete' && record.current) {
    const others = await query<{ id: string; to_date: string | null }>(
      ctx.em,
      `select id, to_date::text as to_date from contact_employment where contact_id = ? and current and id <> ?`,
      [contactId, record.id],
    );
    for (const other of others) {
      await updateRecord(ctx, 'contactEmployment', other.id, { current: false, ...(other.to_date ? {} : { toDate: todayInZone() }) });
    }
  }
  const [current] = await query<{ customer_id: string }>(
    ctx.em,
    `select customer_id from contact_employment where contact_id = ? and current order by from_date desc nulls last, created_at desc limit 1`,
    [contactId],
  );
  await updateRecord({ ...ctx, principal: null }, 'contact', contactId, { customerId: current?.customer_id ?? null }, { derived: ['customerId'] });
}

export function registerEmploymentRules(): void {
  registerWriteHook('contactEmployment', onEmploymentWritten);
}
