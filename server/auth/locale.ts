import type { LocaleCode } from '../records/types';

/** The language of server-made texts when nothing says otherwise: the company's. */
export const DEFAULT_LOCALE: LocaleCode = 'zh-CN';

const asLocale = (v: string | null | undefined): LocaleCode | null => (v === 'en' || v === 'zh-CN' ? v : null);

/**
 * The one way a user's language for server-made texts (labels, notifications, dashboards,
 * exports) is decided: the language they chose, else the browser's (the request's when there is
 * one, else the one remembered from their last request), else the company's.
 */
export function resolveLocale(chosen: string | null | undefined, ...browser: (string | null | undefined)[]): LocaleCode {
  for (const l of [chosen, ...browser]) {
    const known = asLocale(l);
    if (known) return known;
  }
  return DEFAULT_LOCALE;
}

/**
 * The language an Accept-Language header asks for, as the web app decides it: Chinese when the
 * most wanted language is Chinese, English for any other; null without a usable header.
 */
export function acceptLanguage(header: string | null | undefined): LocaleCode | null {
  if (!header) return null;
  const wanted = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((w) => /^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(w.tag) && w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)[0];
  if (!wanted) return null;
  return wanted.tag === 'zh' || wanted.tag.startsWith('zh-') ? 'zh-CN' : 'en';
}
