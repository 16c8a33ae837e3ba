import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, launchBrowser, startE2EServer } from './browser';

let browser: Browser;
let stack: Awaited<ReturnType<typeof startE2EServer>>;
let page: Page;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));

beforeAll(async () => {
  stack = await startE2EServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(`${stack.server.url}/login`);
  await page.getByTestId('login-name').fill('admin');
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const api = <T = any>(url: string): Promise<T> => page.evaluate(async (u) => (await fetch(u)).json(), url);

describe('customers in Chromium: import, custom field on the card, grouping, export', () => {
  it('imports a small xlsx with Chinese headers', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('客户');
    sheet.addRow(['客户名称', '电话', '信用等级', '年营业额']);
    sheet.addRow(['汕头张三贸易有限公司', '0754-8888 1234', 'A', 1200000]);
    sheet.addRow(['广州李四电子科技', '020-6666 0000', 'A', 800000.5]);
    sheet.addRow(['深圳王五物流', '0755-1234 5678', 'B', 300000]);
    const file = path.join(dir, '客户导入.xlsx');
    await wb.xlsx.writeFile(file);

    await page.goto(`${stack.server.url}/records/customer`);
    await page.getByTestId('import-open').click();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-dry-run').click();
    await expect.poll(() => page.getByTestId('import-created').textContent()).toBe('3');
    expect(await page.getByTestId('import-rejected').textContent()).toBe('0');
    // The headers were matched to fields in the other language.
    expect(await page.getByTestId('import-map-field').first().inputValue()).toBe('name');
    await page.getByTestId('import-run').click();
    await expect.poll(() => page.getByTestId('import-done').count()).toBe(1);
    const list = await api('/api/records/customer?sort=name&limit=10');
    expect(list.total).toBe(3);
    expect(list.items.map((c: any) => [c.name, c.grade, c.annualRevenue])).toEqual([
      ['广州李四电子科技', 'A', '800000.50'],
      ['汕头张三贸易有限公司', 'A', '1200000.00'],
      ['深圳王五物流', 'B', '300000.00'],
    ]);
  });

  it('adds a custom field and fills it in on the card', async () => {
    await page.goto(`${stack.server.url}/system/fields?object=customer`);
    await page.getByTestId('add-field').click();
    await page.getByTestId('field-name').fill('region');
    await page.getByTestId('field-type').selectOption('text');
    await page.getByTestId('field-label-en').fill('Sales region');
    await page.getByTestId('field-label-zh').fill('销售区域');
    await page.getByTestId('field-save').click();
    await expect.poll(() => page.getByTestId('field-row-region').count()).toBe(1);

    const [customer] = (await api(`/api/records/customer?q=${encodeURIComponent('张三')}`)).items;
    await page.goto(`${stack.server.url}/records/customer/${customer.id}`);
    const input = page.getByTestId('field-region');
    await expect.poll(() => input.count()).toBe(1);
    // The new field sits on the card under its label.
    await expect.poll(() => page.getByText('Sales region').count()).toBeGreaterThan(0);
    await input.fill('华南');
    await page.getByTestId('form-save').click();
    await expect.poll(async () => (await api(`/api/records/customer/${customer.id}`)).region).toBe('华南');
  });

  it('groups the list by a column and shows the group totals', async () => {
    await page.goto(`${stack.server.url}/records/customer`);
    await page.getByTestId('group-add').first().selectOption('grade');
    const groups = page.getByTestId('group-row');
    await expect.poll(() => groups.count()).toBe(2);
    const texts = await groups.allTextContents();
    expect(texts[0]).toMatch(/Credit grade: A/);
    expect(await groups.nth(0).getByTestId('group-count').textContent()).toBe('2');
    expect(texts[0]).toMatch(/2,000,000\.50/);
    expect(texts[1]).toMatch(/Credit grade: B/);
    expect(await groups.nth(1).getByTestId('group-count').textContent()).toBe('1');
    expect(await page.getByTestId('grand-total').textContent()).toMatch(/2,300,000\.50/);
  });

  it('exports the list to xlsx and the file opens with the rows', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const saved = path.join(dir, 'export.xlsx');
    await download.saveAs(saved);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(saved);
    const values: string[] = [];
    wb.worksheets[0].eachRow((row) => values.push(...(row.values as unknown[]).slice(1).map(String)));
    for (const name of ['汕头张三贸易有限公司', '广州李四电子科技', '深圳王五物流']) expect(values).toContain(name);
  });

  it('lets an administrator remove a business type that has no records', async () => {
    const created = await page.evaluate(async () => {
      const res = await fetch('/api/meta/objects', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'visitPlan', label: { en: 'Visit plan', 'zh-CN': '拜访计划' }, pluralLabel: { en: 'Visit plans', 'zh-CN': '拜访计划' } }),
      });
      return res.status;
    });
    expect(created).toBe(201);
    await page.goto(`${stack.server.url}/system/business-types`);
    await page.getByTestId('delete-type-visitPlan').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('business-type-visitPlan').count()).toBe(0);
    expect((await api('/api/meta/objects')).items.map((o: any) => o.name)).not.toContain('visitPlan');
  });
});

