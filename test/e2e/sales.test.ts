import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ADMIN_PASSWORD, call, launchBrowser, signIn as signInAt, startE2EServer } from './browser';

const signIn = (p: Page, login: string, password: string) => signInAt(p, stack.server.url, login, password);

// The sales module in Chromium: an opportunity made in the form and dragged across the pipeline
// board (a second browser sees it move), an order with two lines confirmed over the credit limit
// with a manager's override, a partial receipt (an overpayment refused beside its field), and the
// sales dashboard of the second browser following the order and the receipt without a reload.

let browser: Browser;
let stack: Awaited<ReturnType<typeof startE2EServer>>;
let sellerCtx: BrowserContext;
let viewerCtx: BrowserContext;
let seller: Page;
let viewer: Page;
const VIEWER_LOGIN = 'hanmeimei';
const VIEWER_PASSWORD = 'Han-Meimei-pass-2026!';
const CUSTOMER = 'Harbour Printing Co.';
const PRINTER = { name: 'Laser printer LP-200', listPrice: '1299.00' };
const PAPER = { name: 'A4 paper, box', listPrice: '25.50' };
let customerId: string;
let orderId: string;
let stages: Record<string, { id: string; probability: number }>;

/** Chooses a record in a relation combobox by typing part of its title. */
async function pick(p: Page, combo: Locator, text: string) {
  await combo.click();
  await combo.fill(text);
  await p.getByRole('option', { name: text }).first().click();
}

/** Each step drives two browsers through many round trips; a loaded 2-core machine needs room. */
const STEP_MS = 120_000;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const card = (p: Page, name: string) => p.locator(`[data-testid="kanban-card"][data-name="${name}"]`);
const column = (p: Page, code: string) => p.getByTestId(`kanban-col-${code}`);
const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();

beforeAll(async () => {
  stack = await startE2EServer();
  browser = await launchBrowser();
  sellerCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
  viewerCtx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  seller = await sellerCtx.newPage();
  viewer = await viewerCtx.newPage();
  await signIn(seller, 'admin', ADMIN_PASSWORD);

  // The second person: a sales manager who may read the pipeline, orders and money, and change nothing.
  const read = { read: 'all' };
  const group = await call(seller, 'POST', '/api/groups', {
    name: 'Sales managers',
    permissions: Object.fromEntries(['customer', 'opportunity', 'salesStage', 'salesOrder', 'salesOrderLine', 'receipt', 'receivable', 'product', 'employee', 'department'].map((o) => [o, read])),
  });
  expect(group.status).toBe(201);
  const employee = await call(seller, 'POST', '/api/records/employee', { name: 'Han Meimei' });
  expect((await call(seller, 'POST', '/api/users', { login: VIEWER_LOGIN, password: VIEWER_PASSWORD, employeeId: employee.body.id, groupIds: [group.body.id] })).status).toBe(201);
  // A customer with a small credit limit, two products with list prices.
  const customer = await call(seller, 'POST', '/api/records/customer', { name: CUSTOMER, creditLimit: '2000.00' });
  expect(customer.status).toBe(201);
  customerId = customer.body.id;
  for (const p of [PRINTER, PAPER]) expect((await call(seller, 'POST', '/api/records/product', p)).status).toBe(201);
  const list = await call(seller, 'GET', '/api/records/salesStage?limit=50');
  stages = Object.fromEntries(list.body.items.map((s: any) => [s.code, { id: s.id, probability: s.probability }]));

  await signIn(viewer, VIEWER_LOGIN, VIEWER_PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('sales in Chromium', () => {
  it('creates an opportunity in the form, drags it across the board and moves it by keyboard; the other browser follows', async () => {
    // The second browser watches the board the whole time.
    await viewer.goto(`${stack.server.url}/sales/kanban`);
    await expect.poll(() => column(viewer, 'prospecting').count()).toBe(1);

    await seller.goto(`${stack.server.url}/records/opportunity`);
    await seller.getByTestId('new-record').click();
    const drawer = seller.getByTestId('record-drawer');
    await drawer.getByTestId('field-name').fill('Printer fleet renewal');
    await pick(seller, drawer.getByTestId('field-customerId'), CUSTOMER);
    await pick(seller, drawer.getByTestId('field-stageId'), 'Prospecting');
    await drawer.getByTestId('field-amount').fill('120000.50');
    await drawer.getByTestId('form-save').click();
    await seller.waitForURL(/\/records\/opportunity\/[0-9a-f-]{36}$/);
    const oppId = seller.url().split('/').pop()!;

    await seller.getByTestId('nav-kanban').click();
    const mine = card(seller, 'Printer fleet renewal');
    await expect.poll(() => column(seller, 'prospecting').locator(mine).count()).toBe(1);
    // Column totals are the server's sums, money per locale.
    await expect.poll(() => text(column(seller, 'prospecting').getByTestId('kanban-col-amount'))).toBe('¥120,000.50');
    // It reached the other browser's board without a reload.
    await expect.poll(() => column(viewer, 'prospecting').locator(card(viewer, 'Printer fleet renewal')).count()).toBe(1);

    // Drag it to "Opportunity confirmed": the stage changes on the server and its probability follows.
    await mine.dragTo(column(seller, 'opportunityConfirmed'));
    await expect.poll(() => column(seller, 'opportunityConfirmed').locator(mine).count()).toBe(1);
    await expect.poll(async () => (await call(seller, 'GET', `/api/records/opportunity/${oppId}`)).body.stageId).toBe(stages.opportunityConfirmed.id);
    expect((await call(seller, 'GET', `/api/records/opportunity/${oppId}`)).body.probability).toBe(stages.opportunityConfirmed.probability);
    await expect.poll(() => text(mine.getByTestId('kanban-card-amount'))).toBe('¥120,000.50');
    await expect.poll(() => text(column(seller, 'prospecting').getByTestId('kanban-col-count'))).toBe('0 deals');
    const t0 = Date.now();
    await expect.poll(() => column(viewer, 'opportunityConfirmed').locator(card(viewer, 'Printer fleet renewal')).count()).toBe(1);
    console.log(`kanban: the move showed on the other board ${Date.now() - t0} ms after the mover's board`);
    expect(await column(viewer, 'prospecting').locator(card(viewer, 'Printer fleet renewal')).count()).toBe(0);

    // The keyboard way: the "Move to" menu, then Alt+→ on the focused card.
    await mine.getByTestId('kanban-move').click();
    await seller.getByTestId('kanban-move-to-contractSigned').click();
    await expect.poll(async () => (await call(seller, 'GET', `/api/records/opportunity/${oppId}`)).body.stageId).toBe(stages.contractSigned.id);
    await expect.poll(() => column(seller, 'contractSigned').locator(mine).count()).toBe(1);
    await mine.focus();
    await seller.keyboard.press('Alt+ArrowRight');
    await expect.poll(async () => (await call(seller, 'GET', `/api/records/opportunity/${oppId}`)).body.stageId).toBe(stages.receivableTracking.id);
    await expect.poll(() => column(viewer, 'receivableTracking').locator(card(viewer, 'Printer fleet renewal')).count()).toBe(1);
    // The viewer may not edit: no drag handle, no "Move to".
    expect(await card(viewer, 'Printer fleet renewal').getByTestId('kanban-move').count()).toBe(0);

    // The stage history on the card counts every stage it went through.
    await seller.goto(`${stack.server.url}/records/opportunity/${oppId}`);
    await seller.getByTestId('card-tab-stages').click();
    await expect.poll(() => seller.getByTestId('stage-visit').count()).toBe(4);
  }, STEP_MS);

  it('creates an order with two lines (the other browser sees them arrive), confirms it over the credit limit with a reason, and the dashboard follows', async () => {
    await seller.goto(`${stack.server.url}/records/salesOrder`);
    await seller.getByTestId('new-record').click();
    const drawer = seller.getByTestId('record-drawer');
    await pick(seller, drawer.getByTestId('field-customerId'), CUSTOMER);
    await drawer.getByTestId('form-save').click();
    await seller.waitForURL(/\/records\/salesOrder\/[0-9a-f-]{36}$/);
    orderId = seller.url().split('/').pop()!;
    const panel = seller.getByTestId('order-panel');
    await expect.poll(() => panel.getByTestId('order-no-lines').count()).toBe(1);
    // The sales manager opens the same order (read-only for her).
    await viewer.goto(`${stack.server.url}/records/salesOrder/${orderId}`);
    const watching = viewer.getByTestId('order-panel');
    await expect.poll(() => watching.getByTestId('order-no-lines').count()).toBe(1);
    expect(await watching.getByTestId('order-add-line').count()).toBe(0);

    // Line 1: the printer, its list price comes with it; then two of them.
    await panel.getByTestId('order-add-line').click();
    await pick(seller, panel.getByTestId('order-line').last().getByTestId('line-product'), PRINTER.name);
    const line1 = panel.getByTestId('order-line').nth(0);
    await expect.poll(() => text(line1.getByTestId('line-amount'))).toBe('¥1,299.00');
    expect(await line1.getByTestId('line-price').inputValue()).toBe('1299.00');
    await line1.getByTestId('line-quantity').fill('2');
    await line1.getByTestId('line-quantity').press('Tab');
    await expect.poll(() => text(line1.getByTestId('line-amount'))).toBe('¥2,598.00');

    // Line 2: paper, ten boxes at 10 % off (25.50 × 10 × 0.9 = 229.50).
    await panel.getByTestId('order-add-line').click();
    const line2 = panel.getByTestId('order-line').nth(1);
    await line2.getByTestId('line-quantity').fill('10');
    await line2.getByTestId('line-discount').fill('10');
    await pick(seller, line2.getByTestId('line-product'), PAPER.name);
    await expect.poll(() => text(line2.getByTestId('line-amount'))).toBe('¥229.50');
    await expect.poll(() => text(panel.getByTestId('order-total'))).toBe('¥2,827.50');
    // The other browser's card shows both lines and the server's total, without a reload.
    await expect.poll(() => watching.getByTestId('order-line').count()).toBe(2);
    await expect.poll(() => text(watching.getByTestId('order-total'))).toBe('¥2,827.50');
    expect(await text(watching.getByTestId('order-line').nth(1).getByTestId('line-amount'))).toBe('¥229.50');
    const saved = (await call(seller, 'GET', `/api/records/salesOrder/${orderId}`)).body;
    expect(saved.total).toBe('2827.50');
    expect(saved.lines.map((l: any) => [l.quantity, l.unitPrice, l.discount, l.amount])).toEqual([
      [2, '1299.00', 0, '2598.00'],
      [10, '25.50', 10, '229.50'],
    ]);

    // A bad quantity is refused by the server and said beside the field; nothing changes.
    await line1.getByTestId('line-quantity').fill('-1');
    await line1.getByTestId('line-quantity').press('Tab');
    await expect.poll(() => line1.getByTestId('line-error-quantity').count()).toBe(1);
    expect(await text(line1.getByTestId('line-error-quantity'))).toMatch(/at least 0/i);
    expect((await call(seller, 'GET', `/api/records/salesOrder/${orderId}`)).body.total).toBe('2827.50');
    await line1.getByTestId('line-quantity').fill('2');
    await line1.getByTestId('line-quantity').press('Tab');
    await expect.poll(() => line1.getByTestId('line-error-quantity').count()).toBe(0);

    // The sales manager turns to the dashboard: no orders this month yet.
    await viewer.goto(`${stack.server.url}/dashboards/sales`);
    const ordersFigure = viewer.getByTestId('metric-sales.ordersMonthly');
    await expect.poll(() => ordersFigure.getByTestId('metric-empty-sales.ordersMonthly').count()).toBe(1);

    // Confirming would go over the 2,000.00 credit limit: the refusal, then the override with a reason.
    await panel.getByTestId('order-confirm').click();
    const dialog = seller.getByTestId('credit-dialog');
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await text(dialog.getByTestId('credit-limit'))).toBe('¥2,000.00');
    await dialog.getByTestId('credit-override').click();
    await expect.poll(() => dialog.locator('.field-error').count()).toBe(1);
    await dialog.getByTestId('credit-reason').fill('Long-standing customer, paying on delivery');
    await dialog.getByTestId('credit-override').click();
    await expect.poll(() => panel.getByTestId('order-status').getAttribute('data-status')).toBe('confirmed');
    expect(await text(panel.getByTestId('order-override-note'))).toMatch(/Long-standing customer/);
    await expect.poll(() => text(panel.getByTestId('order-balance'))).toBe('¥2,827.50');
    // Confirmed lines are no longer editable.
    expect(await panel.getByTestId('line-quantity').count()).toBe(0);

    // The second browser's dashboard shows the order this month, without a reload.
    const t0 = Date.now();
    await expect.poll(() => text(ordersFigure.getByTestId('this-month-amount'))).toBe('¥2,827.50');
    console.log(`dashboard: orders this month changed ${Date.now() - t0} ms after the confirmation showed`);
  }, STEP_MS);

  it('receives a partial payment filled from the order; an overpayment is refused beside the amount; the dashboard and balance follow', async () => {
    const receipts = viewer.getByTestId('metric-sales.receiptsMonthly');
    await expect.poll(() => receipts.getByTestId('metric-empty-sales.receiptsMonthly').count()).toBe(1);
    const before = await viewer.evaluate(() => performance.getEntriesByType('navigation').length + ':' + location.href);

    const panel = seller.getByTestId('order-panel');
    await panel.getByTestId('order-receive').click();
    const drawer = seller.getByTestId('record-drawer');
    // Choosing the order filled the customer, the currency and the amount still receivable.
    await expect.poll(() => drawer.getByTestId('field-amount').inputValue()).toBe('2827.50');
    expect(await drawer.getByTestId('field-customerId').inputValue()).toBe(CUSTOMER);
    expect(await drawer.getByTestId('field-currency').inputValue()).toBe('CNY');
    expect(await text(drawer.getByTestId('hint-amount'))).toMatch(new RegExp(escape('¥2,827.50')));

    // One cent too much is an overpayment: refused, said under the amount, nothing written.
    await drawer.getByTestId('field-amount').fill('2827.51');
    await drawer.getByTestId('form-save').click();
    const amountField = drawer.locator('[data-field="amount"]');
    await expect.poll(() => amountField.locator('.field-error').count()).toBe(1);
    expect(await text(amountField.locator('.field-error'))).toBe('Only ¥2,827.50 is still receivable: this would overpay.');
    expect((await call(seller, 'GET', '/api/records/receipt?limit=1')).body.total).toBe(0);

    // A partial payment.
    await drawer.getByTestId('field-amount').fill('1000.00');
    await drawer.getByTestId('field-method').selectOption('bankTransfer');
    await drawer.getByTestId('form-save').click();
    await expect.poll(() => seller.getByTestId('record-drawer').count()).toBe(0);
    await expect.poll(() => text(panel.getByTestId('order-received'))).toBe('¥1,000.00');
    await expect.poll(() => text(panel.getByTestId('order-balance'))).toBe('¥1,827.50');

    // The second browser sees the receipt this month, on the same page load.
    const t0 = Date.now();
    await expect.poll(() => receipts.getByTestId('this-month-amount').count()).toBe(1);
    await expect.poll(() => text(receipts.getByTestId('this-month-amount'))).toBe('¥1,000.00');
    console.log(`dashboard: receipts this month changed ${Date.now() - t0} ms after the order card showed the receipt`);
    expect(await viewer.evaluate(() => performance.getEntriesByType('navigation').length + ':' + location.href)).toBe(before);
    // The figure exports to Excel as shown.
    const [download] = await Promise.all([viewer.waitForEvent('download'), receipts.getByTestId('metric-export-sales.receiptsMonthly').click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path())!);
    const rows: unknown[][] = [];
    workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.slice(1)).toContainEqual(['This month', 'CNY', 1, 1000]);
    // The English interface reads periods and stage names in English, never the codes or the Chinese names.
    expect(await text(receipts.getByTestId('metric-table-sales.receiptsMonthly'))).toMatch(/This month/);
    expect(await text(receipts.getByTestId('metric-table-sales.receiptsMonthly'))).not.toMatch(/thisMonth/);
    const funnel = await text(viewer.getByTestId('metric-table-sales.funnel'));
    expect(funnel).toMatch(/Prospecting/);
    expect(funnel).not.toMatch(/初步接洽/);
    // Ageing and top customers carry the balance and the sale.
    await expect.poll(() => text(viewer.getByTestId('metric-table-sales.receivablesAgeing'))).toMatch(/1,827\.50/);

    // The customer card: purchased products and the balance per currency.
    await seller.goto(`${stack.server.url}/records/customer/${customerId}`);
    await seller.getByTestId('card-tab-purchased').click();
    await expect.poll(() => seller.getByTestId('purchased-product').count()).toBe(2);
    expect(await seller.getByTestId('purchased-products').textContent()).toMatch(/Laser printer LP-200/);
    await seller.getByTestId('card-tab-receivables').click();
    await expect.poll(() => text(seller.getByTestId('balance-amount'))).toBe('¥1,827.50');
  }, STEP_MS);

  it('a salesperson without rights on lines edits them through the order; over the credit limit he is sent to a manager', async () => {
    const group = await call(seller, 'POST', '/api/groups', {
      name: 'Sales staff',
      permissions: {
        salesOrder: { create: 'all', read: 'all', edit: 'all' },
        customer: { read: 'all' },
        product: { read: 'all' },
        unit: { read: 'all' },
        employee: { read: 'all' },
        department: { read: 'all' },
      },
    });
    expect(group.status).toBe(201);
    expect((await call(seller, 'POST', '/api/users', { login: 'lilei', password: 'Li-Lei-pass-2026!', groupIds: [group.body.id] })).status).toBe(201);
    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      const staff = await ctx.newPage();
      await signIn(staff, 'lilei', 'Li-Lei-pass-2026!');
      const created = await call(staff, 'POST', '/api/records/salesOrder', { customerId });
      expect(created.status).toBe(201);
      await staff.goto(`${stack.server.url}/records/salesOrder/${created.body.id}`);
      const panel = staff.getByTestId('order-panel');
      await panel.getByTestId('order-add-line').click();
      await pick(staff, panel.getByTestId('order-line').last().getByTestId('line-product'), PRINTER.name);
      const line = panel.getByTestId('order-line').nth(0);
      await expect.poll(() => text(line.getByTestId('line-amount'))).toBe('¥1,299.00');
      await line.getByTestId('line-quantity').fill('3');
      await line.getByTestId('line-quantity').press('Tab');
      await expect.poll(() => text(panel.getByTestId('order-total'))).toBe('¥3,897.00');
      expect((await call(staff, 'GET', `/api/records/salesOrder/${created.body.id}`)).body.lines.map((l: any) => l.amount)).toEqual(['3897.00']);

      // Open receivables 1,827.50 + 3,897.00 exceed the 2,000.00 limit, and he may not change the limit.
      await panel.getByTestId('order-confirm').click();
      const dialog = staff.getByTestId('credit-dialog');
      await expect.poll(() => dialog.count()).toBe(1);
      expect(await dialog.textContent()).toMatch(/Ask a manager/);
      expect(await dialog.getByTestId('credit-override').count()).toBe(0);
      expect((await call(staff, 'GET', `/api/records/salesOrder/${created.body.id}`)).body.status).toBe('draft');
    } finally {
      await ctx.close();
    }
  }, STEP_MS);

  it('the opportunity list grouped by stage totals amounts per currency, never adding yuan to dollars', async () => {
    const mark = `Mixed ${Date.now()}`;
    for (const [amount, currency] of [['1000.00', 'CNY'], ['250.00', 'USD'], ['0.50', 'CNY']]) {
      const made = await call(seller, 'POST', '/api/records/opportunity', { name: `${mark} ${currency}`, customerId, stageId: stages.leadFollowUp.id, amount, currency });
      expect(made.status).toBe(201);
    }
    await seller.goto(`${stack.server.url}/records/opportunity`);
    await seller.getByTestId('search').fill(mark);
    await seller.getByTestId('group-add').first().selectOption('stageId');
    const group = seller.getByTestId('group-row');
    await expect.poll(() => group.count()).toBe(1);
    await expect.poll(() => group.first().textContent()).toMatch(/¥1,000\.50 \+ US\$250\.00/);
    expect(await seller.getByTestId('grand-total').textContent()).toMatch(/¥1,000\.50 \+ US\$250\.00/);
  }, STEP_MS);

  it('switching the language shows the open list’s stage names in the new one without a reload', async () => {
    // A fresh browser: no list choices (grouping, search) left from the steps before.
    const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      const page = await ctx.newPage();
      await signIn(page, 'admin', ADMIN_PASSWORD);
      expect((await call(page, 'POST', '/api/records/opportunity', { name: `Language ${Date.now()}`, customerId, stageId: stages.leadFollowUp.id })).status).toBe(201);
      await page.goto(`${stack.server.url}/records/opportunity`);
      const rows = page.getByTestId('row');
      await expect.poll(async () => (await rows.allTextContents()).join(' ')).toContain('Lead follow-up');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-zh-CN').click();
      await expect.poll(async () => (await rows.allTextContents()).join(' ')).toContain('线索跟进');
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      await expect.poll(async () => (await rows.allTextContents()).join(' ')).toContain('Lead follow-up');
    } finally {
      await ctx.close();
    }
  }, STEP_MS);
});
