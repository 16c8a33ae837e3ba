// REST endpoints of the sales module beyond the generic records API: orders with their lines and
// actions, stage order and history, receipt defaults, a customer's purchases and balance.
import { client, unwrap } from './client';
import type { Rec } from './types';
// Shapes the server answers with, shared by type only (no server code reaches the bundle).
import type { ReceiptDefaults } from '../../server/sales/receivables';
import type { StageTotal, StageVisit } from '../../server/sales/stages';
import type { PurchasedLine, PurchasedProduct } from '../../server/sales/orders';

export type { PurchasedLine, PurchasedProduct, ReceiptDefaults, StageTotal, StageVisit };

/** A line of a sales order as the server presents it (amount computed there). */
export type OrderLine = Rec & {
  salesOrderId: string;
  lineNo: number;
  productId: string;
  unitId: string | null;
  quantity: number;
  unitPrice: string | null;
  discount: number;
  amount: string | null;
  requestedDeliveryDate: string | null;
  note: string | null;
};

export type ReceivableSummary = { id: string; code: string; amount: string; received: string; balance: string; currency: string | null; status: string };

export type OrderStatus = 'draft' | 'confirmed' | 'shipped' | 'completed' | 'cancelled';
export type OrderAction = 'confirm' | 'ship' | 'complete' | 'cancel';

export type Order = Rec & {
  code: string;
  status: OrderStatus;
  customerId: string;
  currency: string;
  total: string;
  lines: OrderLine[];
  receivable: ReceivableSummary | null;
};

/** What a line of a PATCH says: `id` keeps (and updates) that line, no id adds one. */
export type LineInput = { id?: string; [field: string]: unknown };


export type CurrencyBalance = { currency: string; receivables: number; amount: string; received: string; balance: string; open: number };

const order = client.records.salesOrder;

export const salesApi = {
  order: (id: string) => unwrap<Order>(order[':id'].$get({ param: { id } })),
  createOrder: (body: Record<string, unknown>) => unwrap<Order>(order.$post({ json: body })),
  /** Header fields and, with `lines`, the whole set of lines (left-out lines are removed). */
  updateOrder: (id: string, body: Record<string, unknown> & { lines?: LineInput[] }) => unwrap<Order>(order[':id'].$patch({ param: { id }, json: body })),
  act: (id: string, action: OrderAction, body: { override?: boolean; reason?: string } = {}) =>
    unwrap<Order>(order[':id'][':action'].$post({ param: { id, action }, json: body })),
  reorderStages: (ids: string[]) => unwrap<{ items: Rec[] }>(client.sales.stages.reorder.$post({ json: { ids } })),
  stageHistory: (opportunityId: string) =>
    unwrap<{ visits: StageVisit[]; totals: StageTotal[] }>(client.records.opportunity[':id'].stages.$get({ param: { id: opportunityId } })),
  receiptDefaults: (source: { salesOrderId?: string; contractId?: string }) =>
    unwrap<ReceiptDefaults>(client.sales['receipt-defaults'].$get({ query: source })),
  purchased: (customerId: string) =>
    unwrap<{ lines: PurchasedLine[]; products: PurchasedProduct[] }>(client.sales.customers[':id']['purchased-products'].$get({ param: { id: customerId } })),
  balance: (customerId: string) => unwrap<{ currencies: CurrencyBalance[] }>(client.sales.customers[':id'].receivables.$get({ param: { id: customerId } })),
  dueTasks: () => unwrap<{ items: Rec[] }>(client.sales.tasks.due.$get()),
};
