import { Show, createSignal } from 'solid-js';
import { logsApi } from '../api/endpoints';
import type { LoginLogEntry } from '../api/types';
import { confirmDialog } from '../components/ConfirmDialog';
import { DataTable, type Column } from '../components/DataTable';
import { Icon } from '../components/Icons';
import { PageHeader } from '../components/Shell';
import { toast } from '../components/Toasts';
import { errorText, formatDate, formatDateTime, formatNumber, hasKey, t } from '../i18n';
import { createServerList, debounce } from '../lib/list';
import { me } from '../session';

/** `<input type=date>` value → ISO instant at the start (or end) of that local day. */
export function dayToIso(day: string, endOfDay = false): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return date.toISOString();
}

/** Retention: administrators delete entries older than a date. */
export function PurgeControl(props: { purge: (before: string) => Promise<{ deleted: number }>; onDone: () => void }) {
  const [day, setDay] = createSignal('');
  const run = async () => {
    const iso = dayToIso(day());
    if (!iso) return;
    const ok = await confirmDialog({ title: t('logs.purgeTitle', { date: formatDate(day()) }), body: t('common.deleteBody'), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      const r = await props.purge(iso);
      toast(t('logs.purged', { count: formatNumber(r.deleted) }));
      props.onDone();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  return (
    <div class="purge">
      <label class="form-label inline" for="purge-before">
        {t('logs.purgeBefore')}
      </label>
      <input id="purge-before" class="input input-sm" type="date" value={day()} onInput={(e) => setDay(e.currentTarget.value)} />
      <button type="button" class="btn btn-danger-ghost btn-sm" disabled={!day()} onClick={run}>
        {t('logs.purge')}
      </button>
    </div>
  );
}

/** "Chrome 131 · Windows" from a user-agent string; the raw text goes in a tooltip. */
export function shortUserAgent(ua: string | null): string {
  if (!ua) return '';
  const pick = (re: RegExp) => ua.match(re);
  let browser: string | null = null;
  const rules: [RegExp, string][] = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/MicroMessenger\/(\d+)/, 'WeChat'],
    [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
    [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
    [/^curl\/([\d.]+)/, 'curl'],
    [/^node(?:-fetch)?\/?([\d.]*)/i, 'Node.js'],
    [/^(?:python-requests|Python-urllib)\/([\d.]+)/, 'Python'],
  ];
  for (const [re, name] of rules) {
    const m = pick(re);
    if (m) {
      browser = m[1] ? `${name} ${m[1]}` : name;
      break;
    }
  }
  if (/HeadlessChrome/.test(ua)) browser = browser ? browser.replace('Chrome', 'Headless Chrome') : 'Headless Chrome';
  const os = /Windows NT/.test(ua)
    ? 'Windows'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Mac OS X|Macintosh/.test(ua)
        ? 'macOS'
        : /Android/.test(ua)
          ? 'Android'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  if (!browser && !os) return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
  return [browser, os].filter(Boolean).join(' · ');
}

export function LoginLog() {
  const [login, setLogin] = createSignal('');
  const setLoginSoon = debounce(setLogin, 250);
  const [success, setSuccess] = createSignal<'' | 'true' | 'false'>('');
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');

  const list = createServerList<LoginLogEntry, { login: string; success: string; from: string; to: string }>({
    initialSort: '-at',
    params: () => ({ login: login(), success: success(), from: from(), to: to() }),
    fetch: (p) =>
      logsApi.logins({
        login: p.params.login.trim() || undefined,
        success: p.params.success === '' ? undefined : p.params.success === 'true',
        from: dayToIso(p.params.from),
        to: dayToIso(p.params.to, true),
        limit: p.limit,
        offset: p.offset,
      }),
  });

  const reasonText = (r: string) => {
    const key = `reason.${r}`;
    return hasKey(key) ? t(key) : r;
  };

  const columns = (): Column<LoginLogEntry>[] => [
    { key: 'at', header: t('logs.at'), render: (r) => <span class="nowrap">{formatDateTime(r.at)}</span> },
    { key: 'login', header: t('logs.login'), render: (r) => <span class="cell-title">{r.login}</span> },
    {
      key: 'success',
      header: t('logs.result'),
      render: (r) => <span class={`badge ${r.success ? 'badge-ok' : 'badge-danger'}`}>{r.success ? t('logs.success') : t('logs.failure')}</span>,
    },
    { key: 'reason', header: t('logs.reason'), render: (r) => reasonText(r.reason) },
    { key: 'ip', header: t('logs.ip'), render: (r) => <code class="mono">{r.ip ?? '—'}</code> },
    { key: 'userAgent', header: t('logs.userAgent'), render: (r) => <span class="nowrap" title={r.userAgent ?? undefined}>{shortUserAgent(r.userAgent) || '—'}</span> },
  ];

  return (
    <div class="page">
      <PageHeader title={t('logs.loginTitle')} actions={<Show when={me()?.isAdmin}><PurgeControl purge={logsApi.purgeLogins} onDone={() => void list.refetch()} /></Show>} />
      <section class="panel">
        <div class="toolbar">
          <div class="search-box">
            <Icon name="search" size={16} />
            <input class="input" type="search" aria-label={t('logs.login')} placeholder={t('logs.filterLogin')} onInput={(e) => setLoginSoon(e.currentTarget.value)} />
          </div>
          <select class="select" aria-label={t('logs.result')} value={success()} onChange={(e) => setSuccess(e.currentTarget.value as '' | 'true' | 'false')}>
            <option value="">{t('logs.anyResult')}</option>
            <option value="true">{t('logs.success')}</option>
            <option value="false">{t('logs.failure')}</option>
          </select>
          <DateRange from={from()} to={to()} onFrom={setFrom} onTo={setTo} />
        </div>
        <Show when={list.error()}>
          <div class="form-alert" role="alert">
            {errorText(list.error())}
          </div>
        </Show>
        <DataTable
          label={t('logs.loginTitle')}
          columns={columns()}
          rows={list.rows()}
          total={list.total()}
          loading={list.loading()}
          limit={list.limit()}
          offset={list.offset()}
          onPage={list.setPage}
          empty={login() || success() || from() || to() ? t('common.noResults') : t('common.empty')}
          testid="login-log-table"
        />
      </section>
    </div>
  );
}

export function DateRange(props: { from: string; to: string; onFrom: (v: string) => void; onTo: (v: string) => void }) {
  return (
    <div class="date-range">
      <label class="form-label inline" for="range-from">
        {t('common.from')}
      </label>
      <input id="range-from" class="input" type="date" value={props.from} max={props.to || undefined} onInput={(e) => props.onFrom(e.currentTarget.value)} />
      <label class="form-label inline" for="range-to">
        {t('common.to')}
      </label>
      <input id="range-to" class="input" type="date" value={props.to} min={props.from || undefined} onInput={(e) => props.onTo(e.currentTarget.value)} />
    </div>
  );
}
