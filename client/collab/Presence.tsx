import { For, Show } from 'solid-js';
import { t } from '../i18n';
import type { Peer } from './cardDoc';
import { initials } from './presence';

/** Avatars of the other people on this card: one per person, however many tabs they have open. */
export function PresenceBar(props: { peers: Peer[] }) {
  const people = () => {
    const seen = new Map<string, Peer>();
    for (const p of props.peers) if (!seen.has(p.user.id)) seen.set(p.user.id, p);
    return [...seen.values()];
  };
  return (
    <Show when={people().length > 0}>
      <div class="presence" role="group" aria-label={t('collab.presence')} data-testid="presence">
        <For each={people()}>
          {(p) => (
            <span class="presence-avatar" style={{ background: p.user.color }} title={p.user.name} data-testid="presence-avatar" data-user-id={p.user.id}>
              <span aria-hidden="true">{initials(p.user.name)}</span>
              <span class="visually-hidden">{p.user.name}</span>
            </span>
          )}
        </For>
      </div>
    </Show>
  );
}

/** "All changes saved" / "Saving…" beside a live card's actions. */
export function SaveMark(props: { saved: boolean; online: boolean }) {
  const text = () => (props.saved ? t('collab.allSaved') : props.online ? t('collab.saving') : t('collab.savedLater'));
  return (
    <span class="save-mark" classList={{ 'is-saved': props.saved, 'is-pending': !props.saved }} role="status" aria-live="polite" data-testid="save-mark" data-saved={props.saved ? 'true' : 'false'}>
      <span class="save-dot" aria-hidden="true" />
      {text()}
    </span>
  );
}
