import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { Icon } from '../components/Icons';
import { navHint, navLabel, visibleNav } from '../components/Shell';
import { formatDateTime, t } from '../i18n';
import { groupName } from '../lib/groups';
import { me } from '../session';

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
