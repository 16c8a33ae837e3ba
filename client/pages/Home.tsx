import { A } from '@solidjs/router';
import { For, Show, createResource } from 'solid-js';
import { salesApi } from '../api/sales';
import type { Rec } from '../api/types';
import { Icon } from '../components/Icons';
import { navHint, navLabel, visibleNav } from '../components/Shell';
import { useSocket, watchRecords } from '../collab/socket';
import { formatDateTime, t } from '../i18n';
import { groupName } from '../lib/groups';
import { debounce } from '../lib/list';
import { can, me } from '../session';

/** The workbench's list of my open sales tasks planned for today or earlier. */
function DueTasks() {
  const [tasks, { refetch }] = createResource(async () => {
    try {
      return (await salesApi.dueTasks()).items;
    } catch {
      return [] as Rec[];
    }
  });
  watchRecords({ object: 'salesTask' });
  const soon = debounce(() => void refetch(), 300);
  useSocket('record:changed', (c) => {
    if (c.object === 'salesTask') soon();
  });
  const overdue = (r: Rec) => typeof r.plannedAt === 'string' && new Date(r.plannedAt).getTime() < Date.now() - 60_000;
  return (
    <section class="quick-section" data-testid="due-tasks">
      <h2 class="section-title">{t('home.dueTasks')}</h2>
      <Show when={(tasks.latest ?? []).length > 0} fallback={<p class="muted">{tasks.latest ? t('home.dueTasksNone') : t('common.loading')}</p>}>
        <ul class="due-list">
          <For each={tasks.latest}>
            {(r) => (
              <li data-testid="due-task">
                <A href={`/records/salesTask/${r.id}`}>{String(r.subject ?? '')}</A>
                <span class="muted small">
                  {formatDateTime(r.plannedAt as string)}
                  <Show when={r._labels?.customerId}> · {r._labels!.customerId}</Show>
                </span>
                <Show when={overdue(r)}>
                  <span class="badge badge-warn">{t('home.dueTasksOverdue')}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

export function Home() {
  const name = () => me()?.user.employeeName || me()?.user.login || '';
  return (
    <div class="page">
      <section class="welcome">
        <h1 class="page-title">{t('home.welcome', { name: name() })}</h1>
        <p class="page-subtitle">{t('home.intro')}</p>
        <p class="muted small">
          {me()?.user.lastLoginAt ? t('home.lastLogin', { time: formatDateTime(me()!.user.lastLoginAt) }) : t('home.firstLogin')}
        </p>
        <Show when={(me()?.groups.length ?? 0) > 0}>
          <div class="chips" aria-label={t('home.groups')}>
            <For each={me()!.groups}>{(g) => <span class="chip">{groupName(g)}</span>}</For>
          </div>
        </Show>
      </section>
      <Show when={can('salesTask', 'read')}>
        <DueTasks />
      </Show>
      <For each={visibleNav()}>
        {(section) => (
          <section class="quick-section">
            <h2 class="section-title">{t(section.key)}</h2>
            <div class="quick-grid">
              <For each={section.items}>
                {(item) => (
                  <A href={item.href} class="quick-card">
                    <span class="quick-icon">
                      <Icon name={item.icon} size={20} />
                    </span>
                    <span class="quick-text">
                      <span class="quick-title">{navLabel(item)}</span>
                      <span class="quick-hint">{navHint(item)}</span>
                    </span>
                  </A>
                )}
              </For>
            </div>
          </section>
        )}
      </For>
    </div>
  );
}
