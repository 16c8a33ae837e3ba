import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { AppError } from '../errors';
import { errorResponses, json, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import type { WriteContext } from '../records/service';
import { createOrder, purchasedProducts, readOrder, transitionOrder, updateOrder } from './orders';
import { customerBalance, receiptDefaults } from './receivables';
import { reorderStages, stageHistory } from './stages';
import { dueTasks } from './tasks';
import {
  ActionParam,
  BalanceSchema,
  CustomerParam,
  OrderBodySchema,
  OrderParam,
  OrderSchema,
  PurchasedSchema,
  ReceiptDefaultsQuery,
  ReceiptDefaultsSchema,
  ReorderBody,
  StageHistorySchema,
  TransitionBody,
} from './schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RecordSchema = z.record(z.string(), z.unknown());

const writeContext = (c: { var: AppEnv['Variables'] }): WriteContext => ({ em: c.var.em, principal: principalOf(c), bus: c.var.services.bus, channel: 'api' });

/**
 * The sales module's API. Mounted before the generic records routes: a sales order travels with
 * its lines (`lines: [...]`) on GET/POST/PATCH /records/salesOrder, and its actions live under
 * the order. Everything else about sales records is the generic records API.
 */
export const salesRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/salesOrder/{id}',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'A sales order with its lines and receivable.',
      request: { params: OrderParam },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c, next) => {
      const { id } = c.req.valid('param');
      // /records/salesOrder/groups, /export…: the generic records routes answer those.
      if (!UUID.test(id)) {
        await next();
        return c.res as never;
      }
      const order = await readOrder(c.var.em, principalOf(c), id);
      if (!order) throw new AppError('not_found');
      return c.json(order, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/records/salesOrder',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'Creates an order with its lines in one transaction; line amounts and the total are computed on the server.',
      request: { body: { content: { 'application/json': { schema: OrderBodySchema } }, required: true } },
      responses: { 201: json(OrderSchema, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await createOrder(writeContext(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/records/salesOrder/{id}',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'Updates the header and, with `lines`, replaces the lines (drafts only).',
      request: { params: OrderParam, body: { content: { 'application/json': { schema: OrderBodySchema } }, required: true } },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => c.json(await updateOrder(writeContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/records/salesOrder/{id}/{action}',
      tags: ['sales'],
      middleware: requireAuth,
      description:
        "Moves the order along: confirm (checks the customer's credit limit, then creates the receivable), ship, complete, cancel (not once money was received). " +
        "Confirming over the limit answers 400 naming creditLimit unless `override: true` with a `reason` comes from a user who may edit that customer's credit limit; the override is kept on the order and in the operation log.",
      request: { params: ActionParam, body: { content: { 'application/json': { schema: TransitionBody } }, required: false } },
      responses: { 200: json(OrderSchema), ...errorResponses },
    }),
    async (c) => {
      const { id, action } = c.req.valid('param');
      return c.json(await transitionOrder(writeContext(c), id, action, c.req.valid('json') ?? {}), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/opportunity/{id}/stages',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'The stages the opportunity went through, with the time spent in each visit and in each stage overall.',
      request: { params: OrderParam },
      responses: { 200: json(StageHistorySchema), ...errorResponses },
    }),
    async (c) => c.json(await stageHistory(c.var.em, principalOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/sales/stages/reorder',
      tags: ['sales'],
      middleware: requireAuth,
      request: { body: { content: { 'application/json': { schema: ReorderBody } }, required: true } },
      responses: { 200: json(z.object({ items: z.array(RecordSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await reorderStages(writeContext(c), c.req.valid('json').ids) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sales/receipt-defaults',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'What a receipt against this order or contract gets: customer, currency and the amount still receivable.',
      request: { query: ReceiptDefaultsQuery },
      responses: { 200: json(ReceiptDefaultsSchema), ...errorResponses },
    }),
    async (c) => c.json(await receiptDefaults(c.var.em, principalOf(c), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sales/customers/{id}/purchased-products',
      tags: ['sales'],
      middleware: requireAuth,
      description: "The customer's purchases: lines of its confirmed, shipped and completed orders, and totals per product and currency.",
      request: { params: CustomerParam },
      responses: { 200: json(PurchasedSchema), ...errorResponses },
    }),
    async (c) => c.json(await purchasedProducts(c.var.em, principalOf(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sales/customers/{id}/receivables',
      tags: ['sales'],
      middleware: requireAuth,
      description: "The customer's receivable balance per currency.",
      request: { params: CustomerParam },
      responses: { 200: json(BalanceSchema), ...errorResponses },
    }),
    async (c) => c.json({ currencies: await customerBalance(c.var.em, principalOf(c), c.req.valid('param').id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sales/tasks/due',
      tags: ['sales'],
      middleware: requireAuth,
      description: 'Your open sales tasks planned for today or earlier (the workbench list).',
      responses: { 200: json(z.object({ items: z.array(RecordSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await dueTasks(c.var.em, principalOf(c)) }, 200),
  );
