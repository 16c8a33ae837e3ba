import { createSignal } from 'solid-js';
import type { ApiError, FieldError } from '../api/client';
import type { Locale, Localized } from '../api/types';
import { en } from './en';
import { zhCN } from './zh-CN';

export type MessageKey = keyof typeof en;
/** Every locale must provide every key: a missing or extra key is a type error. */
export type Dictionary = { [K in MessageKey]: string };

const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };
export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'tandem.locale';

function browserLocale(): Locale {
  const langs = typeof navigator !== 'undefined' ? (navigator.languages?.length ? navigator.languages : [navigator.language]) : [];
  return (langs[0] ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function storedLocale(): Locale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'zh-CN' ? v : null;
  } catch {
    return null;
  }
}

const [locale, setLocaleSignal] = createSignal<Locale>(storedLocale() ?? browserLocale());
export { locale };

function applyDocumentLang(l: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}
applyDocumentLang(locale());

/** Switches the UI language; `remember` stores the explicit pick in localStorage. */
export function setLocale(l: Locale, remember = true): void {
  setLocaleSignal(l);
  applyDocumentLang(l);
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* private mode: the server copy still applies on next sign-in */
    }
  }
}

/** Applies the server-side preference (null = follow the browser unless the user picked one here). */
export function applyServerLocale(l: Locale | null): void {
  if (l) setLocale(l, true);
  else setLocale(storedLocale() ?? browserLocale(), false);
}

export type Params = Record<string, string | number | null | undefined>;

/** Translates a key for the current locale, replacing `{name}` placeholders. */
export function t(key: MessageKey, params?: Params): string {
  const dict = dictionaries[locale()];
  const text = dict[key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? m : String(v);
  });
}

export function hasKey(key: string): key is MessageKey {
  return key in en;
}

/** Picks the current-locale text of a server-provided `{en, 'zh-CN'}` label. */
export function label(l: Localized | undefined | null, fallback = ''): string {
  if (!l) return fallback;
  return l[locale()] || l.en || l['zh-CN'] || fallback;
}

/** A server error code as a sentence in the current language. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    const e = err as ApiError;
    if (e.code === 'rate_limited' && e.retryAfter) return t('login.rateLimited', { seconds: e.retryAfter });
    const key = `error.${e.code}`;
    if (hasKey(key)) return t(key);
  }
  return t('error.internal');
}

/** A field error code (required, too_long, …) as a sentence in the current language. */
export function fieldErrorText(fe: FieldError, fieldLabel?: string): string {
  const params: Params = {};
  for (const [k, v] of Object.entries(fe.params ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') params[k] = v;
  }
  params.field = fieldLabel ?? fe.field;
  // A rule's reason (or a money limit) has a sentence of its own where one is written.
  const reason = typeof fe.params?.reason === 'string' ? `field.${fe.code}.${fe.params.reason}` : null;
  if (reason && hasKey(reason)) return t(reason, params);
  if (typeof fe.params?.currency === 'string' && hasKey(`field.${fe.code}.money`)) {
    for (const k of ['max', 'min'] as const) if (params[k] !== undefined) params[k] = formatMoney(params[k], fe.params.currency);
    return t(`field.${fe.code}.money` as MessageKey, params);
  }
  if (typeof fe.params?.expected === 'string' && hasKey(`field.${fe.code}.expected`)) return t(`field.${fe.code}.expected` as MessageKey, params);
  const key = `field.${fe.code}`;
  return hasKey(key) ? t(key, params) : t('field.other', params);
}

const intlLocale = (): string => (locale() === 'zh-CN' ? 'zh-CN' : 'en-GB');

function toDate(v: string | number | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  // A bare date (YYYY-MM-DD) is a calendar day, not a UTC instant: show it as written.
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-').map(Number);
    return new Date(y, m - 1, d);
  }
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(v: string | number | Date | null | undefined): string {
  const d = toDate(v);
  return d ? new Intl.DateTimeFormat(intlLocale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : '';
}

export function formatDateTime(v: string | number | Date | null | undefined): string {
  const d = toDate(v);
  return d
    ? new Intl.DateTimeFormat(intlLocale(), {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).format(d)
    : '';
}

export function formatNumber(v: number | string | null | undefined, digits?: number): string {
  if (v === null || v === undefined || v === '') return '';
  const n = typeof v === 'number' ? v : Number(v);
  if (Number.isNaN(n)) return String(v);
  return new Intl.NumberFormat(intlLocale(), digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/**
 * Money as the locale writes it (¥1,234.50). A decimal string from the server is formatted as
 * the exact decimal it is (Intl takes numeric strings without going through a float).
 */
export function formatMoney(amount: number | string | null | undefined, currency = 'CNY'): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const text = typeof amount === 'string' ? amount.trim() : amount;
  if (typeof text === 'string' && !/^-?\d+(\.\d+)?$/.test(text)) return String(amount);
  if (typeof text === 'number' && Number.isNaN(text)) return String(amount);
  try {
    // CNY is the home currency: plain ¥; others keep their distinguishing symbol (US$, HK$).
    const fmt = new Intl.NumberFormat(intlLocale(), { style: 'currency', currency, currencyDisplay: currency === 'CNY' ? 'narrowSymbol' : 'symbol' });
    return fmt.format(text as unknown as number);
  } catch {
    return typeof text === 'number' ? formatNumber(text, 2) : text;
  }
}

/**
 * Amounts per currency (as the server sums them, never across currencies) as one text:
 * "¥1,200.00 + US$30.00"; `empty` when there is none.
 */
export function formatMoneyByCurrency(sums: Record<string, string | number | null> | null | undefined, empty = '—'): string {
  const shown = Object.entries(sums ?? {}).filter(([, amount]) => amount !== null && amount !== '');
  if (!shown.length) return empty;
  return shown.map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}
