import { z } from '@hono/zod-openapi';

export const OrderParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
export const ActionParam = OrderParam.extend({
  action: z.enum(['confirm', 'ship', 'complete', 'cancel']).openapi({ param: { name: 'action', in: 'path' }, description: 'confirm: draft → confirmed; ship: confirmed → shipped; complete: confirmed/shipped → completed; cancel: draft/confirmed/shipped → cancelled' }),
});

const LineSchema = z.record(z.string(), z.unknown()).openapi('SalesOrderLine', {
  description: 'An order line: productId, quantity, unitPrice (list price when left out), discount (percent off), unitId, requestedDeliveryDate, note; amount is computed. In a PATCH, a line with `id` updates that line, one without adds a line, and lines left out are removed.',
  example: { productId: '6c1f…', quantity: 3, unitPrice: '0.10', discount: 10 },
});

export const OrderBodySchema = z.record(z.string(), z.unknown()).openapi('SalesOrderInput', {
  description: 'Order header fields plus `lines: [...]` (optional; at most 500).',
  example: { customerId: '0b9c…', currency: 'CNY', lines: [{ productId: '6c1f…', quantity: 2 }] },
});

export const OrderSchema = z
  .record(z.string(), z.unknown())
  .and(
    z.object({
      lines: z.array(LineSchema),
      receivable: z
        .object({ id: z.string(), code: z.string(), amount: z.string(), received: z.string(), balance: z.string(), currency: z.string().nullable(), status: z.string() })
        .nullable()
        .openapi({ description: 'Created when the order is confirmed (unless its contract carries the receivable)' }),
    }),
  )
  .openapi('SalesOrder', {
    example: { id: '9a0e…', code: 'SO000001', customerId: '0b9c…', currency: 'CNY', status: 'draft', total: '0.27', lines: [{ id: '…', productId: '6c1f…', quantity: 3, unitPrice: '0.10', discount: 10, amount: '0.27' }], receivable: null },
  });

export const TransitionBody = z
  .strictObject({
    override: z.boolean().optional().openapi({ description: "confirm only: go over the customer's credit limit (needs the right to edit the customer's creditLimit)" }),
    reason: z.string().max(500).optional().openapi({ description: 'Required with override; kept on the order and in the operation log' }),
  })
  .openapi('SalesOrderTransition');

export const ReorderBody = z.strictObject({ ids: z.array(z.uuid()).min(1).max(200).openapi({ description: 'Every stage id, once, in the new order' }) }).openapi('StageOrder');

export const ReceiptDefaultsQuery = z.object({ salesOrderId: z.uuid().optional(), contractId: z.uuid().optional() });

export const ReceiptDefaultsSchema = z
  .object({
    customerId: z.string(),
    customerName: z.string().nullable(),
    currency: z.string(),
    amount: z.string(),
    received: z.string(),
    balance: z.string().openapi({ description: 'The amount still receivable' }),
    receivableId: z.string(),
    status: z.string(),
  })
  .openapi('ReceiptDefaults');

const StageVisitSchema = z.object({
  stageId: z.string().nullable(),
  stageName: z.string().nullable(),
  stageNameEn: z.string().nullable(),
  enteredAt: z.string(),
  leftAt: z.string().nullable(),
  durationMs: z.number(),
  userLogin: z.string().nullable(),
});
export const StageHistorySchema = z
  .object({
    visits: z.array(StageVisitSchema),
    totals: z.array(z.object({ stageId: z.string().nullable(), stageName: z.string().nullable(), stageNameEn: z.string().nullable(), visits: z.number(), durationMs: z.number() })),
  })
  .openapi('StageHistory');

export const PurchasedSchema = z
  .object({
    lines: z.array(
      z.object({
        lineId: z.string(),
        orderId: z.string(),
        orderCode: z.string(),
        date: z.string().nullable(),
        productId: z.string(),
        productCode: z.string(),
        productName: z.string(),
        unit: z.string().nullable(),
        quantity: z.number(),
        unitPrice: z.string().nullable(),
        amount: z.string().nullable(),
        currency: z.string(),
      }),
    ),
    products: z.array(
      z.object({ productId: z.string(), productCode: z.string(), productName: z.string(), currency: z.string(), quantity: z.number(), amount: z.string().nullable(), orders: z.number(), lastDate: z.string().nullable() }),
    ),
  })
  .openapi('PurchasedProducts');

export const BalanceSchema = z
  .object({
    currencies: z.array(z.object({ currency: z.string(), receivables: z.number(), amount: z.string(), received: z.string(), balance: z.string(), open: z.number() })),
  })
  .openapi('ReceivableBalance');

export const CustomerParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
