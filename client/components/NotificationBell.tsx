import { useNavigate } from '@solidjs/router';
import { For, Show, createEffect, createSignal, onCleanup } from 'solid-js';
import type { NotificationDto } from '../../collab/channels/events';
import { errorText, formatDateTime, hasKey, t } from '../i18n';
import { badgeCount } from '../lib/badge';
import { loadMoreNotifications, markNotificationsRead, moreNotifications, notifications, unreadNotifications } from '../collab/notifications';
import { Icon } from './Icons';
import { toast } from './Toasts';
import { openMessages } from './MessagesPanel';

const kindText = (n: NotificationDto) => {
  const key = `notifications.kind.${n.kind}`;
  return hasKey(key) ? t(key) : n.kind;
};

/** The bell in the header: unread badge and a dropdown of the newest notifications. */
export function NotificationBell() {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;

  const onDoc = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  createEffect(() => {
    if (open()) queueMicrotask(() => root.querySelector<HTMLElement>('.notif-item, .notif-all')?.focus());
  });

  const mark = async (ids: string[] | 'all') => {
    try {
      await markNotificationsRead(ids);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  const openOne = (n: NotificationDto) => {
    if (!n.readAt) void mark([n.id]);
    if (!n.link) return;
    setOpen(false);
    // A conversation opens in the messages panel over the current page.
    const conv = /^\/messages\/([^/?#]+)$/.exec(n.link);
    if (conv) openMessages(decodeURIComponent(conv[1]));
    else navigate(n.link);
  };
  const onKey = (e: KeyboardEvent) => {
    const list = Array.from(root.querySelectorAll<HTMLElement>('.notif-panel button'));
    const i = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') list[(i + 1) % list.length]?.focus();
    else if (e.key === 'ArrowUp') list[(i - 1 + list.length) % list.length]?.focus();
    else if (e.key === 'Escape') {
      setOpen(false);
      button.focus();
    } else return;
    e.preventDefault();
  };

  return (
    <div class="header-pop" ref={root}>
      <button
        ref={button}
        type="button"
        class="icon-button header-icon"
        aria-haspopup="dialog"
        aria-expanded={open()}
        aria-label={unreadNotifications() ? t('notifications.buttonUnread', { count: unreadNotifications() }) : t('notifications.button')}
        title={t('notifications.title')}
        data-testid="notifications-button"
        onClick={() => setOpen(!open())}
      >
        <Icon name="bell" />
        <Show when={unreadNotifications() > 0}>
          <span class="count-badge" data-testid="notifications-unread">
            {badgeCount(unreadNotifications())}
          </span>
        </Show>
      </button>
      <Show when={open()}>
        <div class="popover notif-panel" role="dialog" aria-label={t('notifications.title')} onKeyDown={onKey} data-testid="notifications-panel">
          <div class="popover-head">
            <strong>{t('notifications.title')}</strong>
            <span class="spacer" />
            <Show when={unreadNotifications() > 0}>
              <button type="button" class="btn btn-ghost btn-sm notif-all" data-testid="notifications-read-all" onClick={() => mark('all')}>
                {t('notifications.markAll')}
              </button>
            </Show>
          </div>
          <Show when={notifications.length > 0} fallback={<p class="empty-state">{t('notifications.none')}</p>}>
            <ul class="notif-list">
              <For each={notifications}>
                {(n) => (
                  <li class="notif-row" classList={{ 'is-unread': !n.readAt }}>
                    <button type="button" class="notif-item" data-testid="notification-item" data-kind={n.kind} onClick={() => openOne(n)}>
                      <span class="notif-kind">{kindText(n)}</span>
                      <span class="notif-title">{n.title}</span>
                      <Show when={n.body}>
                        <span class="notif-body">{n.body}</span>
                      </Show>
                      <span class="notif-time muted small">{formatDateTime(n.createdAt)}</span>
                    </button>
                    <Show when={!n.readAt}>
                      <button type="button" class="icon-button icon-button-sm notif-mark" aria-label={t('notifications.markOne', { title: n.title })} title={t('notifications.markRead')} data-testid="notification-read" onClick={() => mark([n.id])}>
                        <Icon name="check" size={14} />
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <Show when={moreNotifications()}>
              <div class="popover-foot">
                <button type="button" class="btn btn-ghost btn-sm" onClick={() => loadMoreNotifications().catch((e) => toast(errorText(e), 'error'))}>
                  {t('notifications.more')}
                </button>
              </div>
            </Show>
          </Show>
        </div>
      </Show>
    </div>
  );
}
