import { ApiError } from '../api/client';
import { salesApi } from '../api/sales';
import type { FormBehaviour } from '../components/RecordForm';
import { formatMoney, t } from '../i18n';

/**
 * A receipt against an order or a contract: choosing one fills in the customer, the currency and
 * (on a new receipt) the amount still receivable, as the server reckons it; the balance shows
 * under the amount. An order and a contract exclude each other.
 */
function receiptBehaviour(): FormBehaviour {
  let seq = 0;
  return {
    onChange(form, changed) {
      if (changed !== null && changed !== 'salesOrderId' && changed !== 'contractId') return;
      if (changed === 'salesOrderId' && form.get('salesOrderId') && form.get('contractId')) form.set('contractId', null, null);
      if (changed === 'contractId' && form.get('contractId') && form.get('salesOrderId')) form.set('salesOrderId', null, null);
      const salesOrderId = (form.get('salesOrderId') as string | null) || undefined;
      const contractId = salesOrderId ? undefined : (form.get('contractId') as string | null) || undefined;
      const field = salesOrderId ? 'salesOrderId' : 'contractId';
      form.errors('salesOrderId', []);
      form.errors('contractId', []);
      if (!salesOrderId && !contractId) {
        form.hint('amount', null);
        return;
      }
      const mine = ++seq;
      form.hint('amount', t('receipt.looking'));
      salesApi
        .receiptDefaults(salesOrderId ? { salesOrderId } : { contractId })
        .then((d) => {
          if (mine !== seq) return;
          // Opening an existing receipt only shows the balance; a new one, or a choice the user made, fills the form.
          if (changed !== null || form.isNew) {
            form.set('customerId', d.customerId, d.customerName);
            form.set('currency', d.currency);
          }
          if (form.isNew && (changed !== null || !form.get('amount'))) form.set('amount', d.balance);
          form.hint('amount', t('receipt.stillReceivable', { balance: formatMoney(d.balance, d.currency), amount: formatMoney(d.amount, d.currency), received: formatMoney(d.received, d.currency) }));
        })
        .catch((e: unknown) => {
          if (mine !== seq) return;
          form.hint('amount', null);
          if (e instanceof ApiError && e.fields.length) form.errors(field, e.fields.map((f) => ({ ...f, field })));
          else form.errors(field, [{ field, code: 'invalid_reference' }]);
        });
    },
  };
}

const behaviours: Record<string, () => FormBehaviour> = { receipt: receiptBehaviour };

/** The form rules of an object, if it has any (a fresh instance per form). */
export function behaviourFor(object: string): FormBehaviour | undefined {
  return behaviours[object]?.();
}
