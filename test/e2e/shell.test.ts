import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, launchBrowser, startE2EServer } from './browser';

let browser: Browser;
let stack: Awaited<ReturnType<typeof startE2EServer>>;
let page: Page;

beforeAll(async () => {
  stack = await startE2EServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Picks an option in a relation combobox by typing part of its title. */
async function chooseRelation(p: Page, testid: string, text: string) {
  const input = p.getByTestId(testid);
  await input.click();
  await input.fill(text);
  await p.getByRole('option', { name: new RegExp(text) }).first().click();
}

describe('the app shell in Chromium', () => {
  it('signs in, switches language, creates a department and an employee and lists them', async () => {
    const base = stack.server.url;
    await page.goto(`${base}/org/employees`);
    // Unauthenticated: the login page, in the browser's language (zh-CN).
    await expect.poll(() => page.url()).toContain('/login');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');

    await page.getByTestId('login-name').fill('admin');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/密码/);

    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    // Back where the user was going.
    await expect.poll(() => page.url()).toContain('/org/employees');

    // Switch to English: the navigation follows at once.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('nav-employee').textContent()).toMatch(/Employees/);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');

    // An organisation for the department to belong to.
    await page.getByTestId('nav-organisation').click();
    await page.getByTestId('new-record').click();
    await page.getByTestId('field-name').fill('Acme Holding 顶点控股');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.getByTestId('row').filter({ hasText: 'Acme Holding' }).count()).toBe(1);

    // A department: saving empty first shows the error next to the field.
    await page.getByTestId('nav-department').click();
    await page.getByTestId('new-record').click();
    await page.getByTestId('form-save').click();
    const nameError = page.locator('#' + (await page.getByTestId('field-name').getAttribute('id')) + '-err');
    await expect.poll(() => page.getByTestId('field-name').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => nameError.textContent()).toMatch(/required/i);
    await page.getByTestId('field-name').fill('Key Accounts 大客户部');
    await chooseRelation(page, 'field-organisationId', 'Acme');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.getByText('Key Accounts 大客户部').count()).toBeGreaterThan(0);

    // An employee in that department, then the list shows it with its department.
    await page.getByTestId('nav-employee').click();
    await page.getByTestId('new-record').click();
    await page.getByTestId('field-name').fill('张三');
    await chooseRelation(page, 'field-departmentId', 'Key Accounts');
    await page.getByTestId('field-email').fill('zhangsan@example.com');
    await page.getByTestId('form-save').click();
    const row = page.getByTestId('row').filter({ hasText: '张三' });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.first().textContent()).toContain('Key Accounts');

    // And it really is in the database, seen through the API.
    const list = await page.evaluate(async () => (await fetch('/api/records/employee?q=张三')).json());
    expect(list.total).toBe(1);
    expect(list.items[0]._labels.departmentId).toBe('Key Accounts 大客户部');
  });
});
