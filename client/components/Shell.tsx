import { A, useLocation, useNavigate } from '@solidjs/router';
import { For, Show, createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import type { Locale } from '../api/types';
import { LOCALES, errorText, label, locale, t, type MessageKey } from '../i18n';
import { customObjects } from '../lib/objects';
import { GlobalSearch } from './GlobalSearch';
import { can, chooseLocale, me, signOut } from '../session';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { Icon } from './Icons';
import { toast } from './Toasts';
import { NotificationBell } from './NotificationBell';
import { MessagesButton, MessagesPanel } from './MessagesPanel';

export type NavItem = {
  href: string;
  key?: MessageKey;
  /** Dynamic items (custom business types) carry their own translated text. */
  text?: () => string;
  object: string;
  icon: string;
  hintKey?: MessageKey;
  hintText?: () => string;
  adminOnly?: boolean;
  testid?: string;
};
export type NavSection = { key: MessageKey; items: NavItem[]; dynamic?: boolean };

const rec = (object: string, key: MessageKey, icon: string, hintKey: MessageKey): NavItem => ({ href: `/records/${object}`, key, object, icon, hintKey });

export const NAV: NavSection[] = [
  {
    key: 'nav.customers',
    items: [
      rec('customer', 'nav.customerList', 'customer', 'home.link.customers'),
      { href: '/dashboards/customers', key: 'nav.customerDashboard', object: 'customer', icon: 'chart', hintKey: 'home.link.customerDashboard', testid: 'nav-customer-dashboard' },
      rec('contact', 'nav.contacts', 'contact', 'home.link.contacts'),
      rec('activity', 'nav.activities', 'activity', 'home.link.activities'),
    ],
  },
  {
    key: 'nav.sales',
    items: [
      rec('opportunity', 'nav.opportunities', 'opportunity', 'home.link.opportunities'),
      { href: '/sales/kanban', key: 'nav.kanban', object: 'opportunity', icon: 'kanban', hintKey: 'home.link.kanban', testid: 'nav-kanban' },
      rec('salesTask', 'nav.salesTasks', 'task', 'home.link.salesTasks'),
      rec('contract', 'nav.contracts', 'contract', 'home.link.contracts'),
      rec('salesOrder', 'nav.salesOrders', 'order', 'home.link.salesOrders'),
      rec('receipt', 'nav.receipts', 'receipt', 'home.link.receipts'),
      rec('receivable', 'nav.receivables', 'receivable', 'home.link.receivables'),
      { href: '/dashboards/sales', key: 'nav.salesDashboard', object: 'salesOrder', icon: 'chart', hintKey: 'home.link.salesDashboard', testid: 'nav-sales-dashboard' },
    ],
  },
  {
    key: 'nav.products',
    items: [rec('product', 'nav.productList', 'product', 'home.link.products'), rec('unit', 'nav.units', 'unit', 'home.link.units')],
  },
  {
    key: 'nav.expenses',
    items: [
      rec('expense', 'nav.expenseLedger', 'expense', 'home.link.expenses'),
      rec('expenseCategory', 'nav.expenseCategories', 'category', 'home.link.expenseCategories'),
    ],
  },
  { key: 'nav.businessTypes', items: [], dynamic: true },
  {
    key: 'nav.organisation',
    items: [
      { href: '/org/organisations', key: 'nav.organisations', object: 'organisation', icon: 'organisation', hintKey: 'home.link.organisations' },
      { href: '/org/departments', key: 'nav.departments', object: 'department', icon: 'department', hintKey: 'home.link.departments' },
      { href: '/org/employees', key: 'nav.employees', object: 'employee', icon: 'employee', hintKey: 'home.link.employees' },
    ],
  },
  {
    key: 'nav.system',
    items: [
      { href: '/system/users', key: 'nav.users', object: 'user', icon: 'user', hintKey: 'home.link.users' },
      { href: '/system/groups', key: 'nav.groups', object: 'group', icon: 'group', hintKey: 'home.link.groups' },
      { href: '/system/login-log', key: 'nav.loginLog', object: 'loginLog', icon: 'loginLog', hintKey: 'home.link.loginLog' },
      { href: '/system/operation-log', key: 'nav.operationLog', object: 'operationLog', icon: 'operationLog', hintKey: 'home.link.operationLog' },
      { href: '/system/sales-stages', key: 'nav.salesStages', object: 'salesStage', icon: 'stage', hintKey: 'home.link.salesStages', testid: 'nav-sales-stages' },
      { href: '/system/fields', key: 'nav.fields', object: 'meta', icon: 'fields', hintKey: 'home.link.fields', adminOnly: true, testid: 'nav-fields' },
      { href: '/system/business-types', key: 'nav.businessTypesAdmin', object: 'meta', icon: 'businessType', hintKey: 'home.link.businessTypesAdmin', adminOnly: true, testid: 'nav-business-types' },
    ],
  },
];

export const navLabel = (i: NavItem): string => (i.text ? i.text() : i.key ? t(i.key) : i.object);
export const navHint = (i: NavItem): string => (i.hintText ? i.hintText() : i.hintKey ? t(i.hintKey) : '');

/** The nav sections limited to what the signed-in user may read; custom business types listed live. */
export function visibleNav(): NavSection[] {
  const admin = !!me()?.isAdmin;
  return NAV.map((s) => {
    const items = s.dynamic
      ? customObjects().map<NavItem>((o) => ({
          href: `/records/${o.name}`,
          text: () => label(o.pluralLabel, o.name),
          hintText: () => t('home.link.businessType', { name: label(o.label, o.name) }),
          object: o.name,
          icon: 'businessType',
        }))
      : s.items;
    return { ...s, items: items.filter((i) => (i.adminOnly ? admin : can(i.object, 'read'))) };
  }).filter((s) => s.items.length > 0);
}

function UserMenu(props: { onPassword: () => void }) {
  const [open, setOpen] = createSignal(false);
  const navigate = useNavigate();
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;

  const onDoc = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));

  createEffect(() => {
    if (open()) queueMicrotask(() => root.querySelector<HTMLElement>('[role="menuitemradio"], [role="menuitem"]')?.focus());
  });

  const items = () => Array.from(root.querySelectorAll<HTMLElement>('[role^="menuitem"]'));
  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') list[(i + 1) % list.length]?.focus();
    else if (e.key === 'ArrowUp') list[(i - 1 + list.length) % list.length]?.focus();
    else if (e.key === 'Home') list[0]?.focus();
    else if (e.key === 'End') list[list.length - 1]?.focus();
    else if (e.key === 'Escape') {
      setOpen(false);
      button.focus();
    } else if (e.key === 'Tab') setOpen(false);
    else return;
    e.preventDefault();
  };

  const pick = async (l: Locale) => {
    setOpen(false);
    try {
      await chooseLocale(l);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const name = () => me()?.user.employeeName || me()?.user.login || '';
  const initials = () => {
    const n = name().trim();
    return /^[\u4e00-\u9fff]/.test(n) ? n.slice(-2) : n.slice(0, 2).toUpperCase();
  };

  return (
    <div class="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        class="user-menu-button"
        data-testid="user-menu"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-label={t('menu.user')}
        onClick={() => setOpen(!open())}
      >
        <span class="avatar" aria-hidden="true">
          {initials()}
        </span>
        <span class="user-name">{name()}</span>
        <Icon name="chevron" size={14} />
      </button>
      <Show when={open()}>
        <div class="menu" role="menu" aria-label={t('menu.user')} onKeyDown={onMenuKey}>
          <div class="menu-header">{t('menu.signedInAs', { login: me()?.user.login ?? '' })}</div>
          <div class="menu-section" role="group" aria-label={t('menu.language')}>
            <div class="menu-label">
              <Icon name="globe" size={14} /> {t('menu.language')}
            </div>
            <For each={LOCALES}>
              {(l) => (
                <button
                  type="button"
                  role="menuitemradio"
                  aria-checked={locale() === l}
                  class="menu-item"
                  data-testid={`lang-${l}`}
                  lang={l}
                  onClick={() => pick(l)}
                >
                  <span class="menu-check">{locale() === l ? <Icon name="check" size={14} /> : null}</span>
                  {t(`lang.${l}`)}
                </button>
              )}
            </For>
          </div>
          <div class="menu-sep" role="separator" />
          <button
            type="button"
            role="menuitem"
            class="menu-item"
            data-testid="change-password"
            onClick={() => {
              setOpen(false);
              props.onPassword();
            }}
          >
            <span class="menu-check">
              <Icon name="key" size={14} />
            </span>
            {t('menu.changePassword')}
          </button>
          <button
            type="button"
            role="menuitem"
            class="menu-item"
            data-testid="sign-out"
            onClick={async () => {
              setOpen(false);
              await signOut().catch(() => undefined);
              navigate('/login', { replace: true });
            }}
          >
            <span class="menu-check">
              <Icon name="logout" size={14} />
            </span>
            {t('menu.signOut')}
          </button>
        </div>
      </Show>
    </div>
  );
}

/** Sidebar + top bar around every signed-in page. */
export function Shell(props: { children?: JSX.Element }) {
  const [navOpen, setNavOpen] = createSignal(false);
  const [pwOpen, setPwOpen] = createSignal(false);
  const location = useLocation();
  createEffect(() => {
    location.pathname;
    setNavOpen(false);
  });

  return (
    <div class="shell" classList={{ 'nav-open': navOpen() }}>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <aside class="sidebar" aria-label={t('nav.main')}>
        <A href="/" class="brand" end>
          <span class="brand-mark" aria-hidden="true">
            T
          </span>
          <span class="brand-name">{t('app.name')}</span>
        </A>
        <nav class="nav" aria-label={t('nav.main')}>
          <A href="/" end class="nav-link" activeClass="is-active">
            <Icon name="home" />
            <span>{t('nav.home')}</span>
          </A>
          <For each={visibleNav()}>
            {(section) => (
              <div class="nav-section">
                <div class="nav-heading">{t(section.key)}</div>
                <For each={section.items}>
                  {(item) => (
                    <A href={item.href} class="nav-link" activeClass="is-active" data-testid={item.testid ?? `nav-${item.object}`}>
                      <Icon name={item.icon} />
                      <span>{navLabel(item)}</span>
                    </A>
                  )}
                </For>
              </div>
            )}
          </For>
        </nav>
      </aside>
      <div class="nav-scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
      <div class="main-column">
        <header class="topbar">
          <button type="button" class="icon-button nav-toggle" aria-label={t('nav.toggle')} aria-expanded={navOpen()} onClick={() => setNavOpen(!navOpen())}>
            <Icon name="menu" />
          </button>
          <GlobalSearch />
          <span class="topbar-spacer" />
          <MessagesButton />
          <NotificationBell />
          <UserMenu onPassword={() => setPwOpen(true)} />
        </header>
        <main id="main" class="content" tabIndex={-1}>
          {props.children}
        </main>
      </div>
      <ChangePasswordDialog open={pwOpen()} onClose={() => setPwOpen(false)} />
      <MessagesPanel />
    </div>
  );
}

export function PageHeader(props: { title: string; subtitle?: string; actions?: JSX.Element }) {
  return (
    <div class="page-header">
      <div>
        <h1 class="page-title">{props.title}</h1>
        <Show when={props.subtitle}>
          <p class="page-subtitle">{props.subtitle}</p>
        </Show>
      </div>
      <div class="page-actions">{props.actions}</div>
    </div>
  );
}
