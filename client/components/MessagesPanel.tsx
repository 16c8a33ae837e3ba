import { useNavigate, useParams } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, onMount } from 'solid-js';
import type { ConversationDto, FileRefDto, MessageDto } from '../../collab/channels/events';
import { peopleApi, type Person } from '../api/collab';
import { filesApi } from '../api/endpoints';
import { errorText, formatDateTime, formatNumber, t } from '../i18n';
import { colorFor, initials } from '../collab/presence';
import {
  conversationOf,
  conversations,
  loadOlder,
  loadUntil,
  messagesUser,
  noteTyping,
  openThread,
  retryMessage,
  searchMessages,
  sendMessage,
  setViewingConversation,
  startConversation,
  threads,
  typingIn,
  unreadTotal,
  type ThreadMessage,
} from '../collab/messages';
import { debounce } from '../lib/list';
import { badgeCount } from '../lib/badge';
import { Icon } from './Icons';
import { Modal } from './Modal';
import { toast } from './Toasts';

const [panelOpen, setPanelOpen] = createSignal(false);
const [current, setCurrent] = createSignal<string | null>(null);
/** A message to bring into view in the open thread (a search hit). */
const [focused, setFocused] = createSignal<string | null>(null);

/** Opens the messages panel, on one conversation when given. */
export function openMessages(conversationId?: string): void {
  setPanelOpen(true);
  if (conversationId) setCurrent(conversationId);
}

/** `/messages/:id` (links in notifications and e-mails): the panel on that conversation, over the home page. */
export function MessagesRoute() {
  const params = useParams();
  const navigate = useNavigate();
  onMount(() => {
    openMessages(params.id);
    navigate('/', { replace: true });
  });
  return null;
}

let peopleCache: Promise<Person[]> | null = null;
/** Everyone who can be messaged or mentioned (loaded once per page). */
function people(): Promise<Person[]> {
  if (!peopleCache) {
    peopleCache = peopleApi.list().then((r) => r.items);
    peopleCache.catch(() => (peopleCache = null));
  }
  return peopleCache;
}

/** The name a conversation goes by: its title, or the other member's name. */
export function conversationName(c: ConversationDto): string {
  if (c.title) return c.title;
  const me = messagesUser();
  const others = c.members.filter((m) => m.userId !== me);
  return others.map((m) => m.name).join(t('common.listSep')) || t('messages.justYou');
}

/** The header button with the unread badge. */
export function MessagesButton() {
  return (
    <button
      type="button"
      class="icon-button header-icon"
      aria-label={unreadTotal() ? t('messages.buttonUnread', { count: unreadTotal() }) : t('messages.button')}
      title={t('messages.title')}
      aria-expanded={panelOpen()}
      data-testid="messages-button"
      onClick={() => setPanelOpen(!panelOpen())}
    >
      <Icon name="message" />
      <Show when={unreadTotal() > 0}>
        <span class="count-badge" data-testid="messages-unread">
          {badgeCount(unreadTotal())}
        </span>
      </Show>
    </button>
  );
}

/** The messages panel: conversations, a thread, the composer, search and new conversations. */
export function MessagesPanel() {
  const [search, setSearch] = createSignal('');
  const [results, setResults] = createSignal<MessageDto[] | null>(null);
  const [creating, setCreating] = createSignal(false);
  let panel!: HTMLDivElement;

  const runSearch = debounce(async (q: string) => {
    if (!q.trim()) return setResults(null);
    try {
      setResults(await searchMessages(q.trim()));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }, 300);

  // The open conversation counts as read while the panel shows it.
  createEffect(() => setViewingConversation(panelOpen() ? current() : null));
  createEffect(
    on(current, (id) => {
      if (id) void openThread(id).catch((e) => toast(errorText(e), 'error'));
    }),
  );
  const onVisible = () => {
    if (document.visibilityState === 'visible' && panelOpen() && current()) setViewingConversation(current());
  };
  document.addEventListener('visibilitychange', onVisible);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisible));

  createEffect(() => {
    if (panelOpen()) queueMicrotask(() => panel?.querySelector<HTMLElement>('[data-autofocus]')?.focus());
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      setPanelOpen(false);
      document.querySelector<HTMLElement>('[data-testid="messages-button"]')?.focus();
    }
  };

  return (
    <Show when={panelOpen()}>
      <div class="messages-panel" classList={{ 'has-thread': !!current() }} role="dialog" aria-label={t('messages.title')} ref={panel} onKeyDown={onKey} data-testid="messages-panel">
        <aside class="conv-side">
          <div class="conv-head">
            <h2 class="panel-title">{t('messages.title')}</h2>
            <span class="spacer" />
            <button type="button" class="btn btn-sm btn-primary" data-testid="conversation-new" onClick={() => setCreating(true)}>
              <Icon name="plus" size={14} />
              {t('messages.new')}
            </button>
            <button type="button" class="icon-button" aria-label={t('common.close')} data-testid="messages-close" onClick={() => setPanelOpen(false)}>
              <Icon name="close" size={16} />
            </button>
          </div>
          <div class="search-box conv-search">
            <Icon name="search" size={16} />
            <input
              class="input"
              type="search"
              data-autofocus
              aria-label={t('messages.search')}
              placeholder={t('messages.search')}
              data-testid="messages-search"
              value={search()}
              onInput={(e) => {
                setSearch(e.currentTarget.value);
                runSearch(e.currentTarget.value);
              }}
            />
          </div>
          <Show
            when={results() === null}
            fallback={
              <ul class="conv-list" aria-label={t('messages.results')}>
                <Show when={results()!.length === 0}>
                  <li class="empty-state">{t('messages.noResults')}</li>
                </Show>
                <For each={results()}>
                  {(m) => (
                    <li>
                      <button
                        type="button"
                        class="conv-item"
                        data-testid="message-search-hit"
                        onClick={() => {
                          setCurrent(m.conversationId);
                          setFocused(m.id);
                        }}
                      >
                        <span class="conv-main">
                          <span class="conv-name">{conversationOf(m.conversationId) ? conversationName(conversationOf(m.conversationId)!) : m.senderName}</span>
                          <span class="conv-preview">
                            {m.senderName}: <Highlight text={m.body} q={search()} />
                          </span>
                        </span>
                        <span class="conv-time muted small">{formatDateTime(m.createdAt)}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            }
          >
            <ul class="conv-list" aria-label={t('messages.conversations')}>
              <Show when={conversations.length === 0}>
                <li class="empty-state">{t('messages.noConversations')}</li>
              </Show>
              <For each={conversations}>
                {(c) => (
                  <li>
                    <button
                      type="button"
                      class="conv-item"
                      classList={{ 'is-active': current() === c.id, 'is-unread': c.unread > 0 }}
                      aria-current={current() === c.id ? 'true' : undefined}
                      data-testid="conversation-item"
                      data-conversation-id={c.id}
                      onClick={() => setCurrent(c.id)}
                    >
                      <span class="avatar conv-avatar" style={{ background: colorFor(c.id) }} aria-hidden="true">
                        {c.kind === 'group' ? <Icon name="group" size={16} /> : initials(conversationName(c))}
                      </span>
                      <span class="conv-main">
                        <span class="conv-name">{conversationName(c)}</span>
                        <span class="conv-preview">
                          <Show when={typingIn(c.id).length} fallback={c.lastMessage ? preview(c.lastMessage) : t('messages.noMessagesYet')}>
                            <em>{t('messages.typingShort')}</em>
                          </Show>
                        </span>
                      </span>
                      <span class="conv-aside">
                        <Show when={c.lastMessageAt}>
                          <span class="conv-time muted small">{formatDateTime(c.lastMessageAt)}</span>
                        </Show>
                        <Show when={c.unread > 0}>
                          <span class="count-badge inline" data-testid="conversation-unread" aria-label={t('messages.unreadCount', { count: c.unread })}>
                            {badgeCount(c.unread)}
                          </span>
                        </Show>
                      </span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </aside>
        <section class="thread-side">
          <Show when={current()} keyed fallback={<div class="empty-state thread-empty">{t('messages.pick')}</div>}>
            {(id) => <Thread id={id} onBack={() => setCurrent(null)} onClose={() => setPanelOpen(false)} />}
          </Show>
        </section>
        <NewConversation
          open={creating()}
          onClose={() => setCreating(false)}
          onStarted={(c) => {
            setCreating(false);
            setSearch('');
            setResults(null);
            setCurrent(c.id);
          }}
        />
      </div>
    </Show>
  );
}

function preview(m: MessageDto): string {
  const body = m.body.replace(/\s+/g, ' ').trim();
  const text = body || (m.attachments.length ? t('messages.attachmentCount', { count: m.attachments.length }) : '');
  return `${m.senderId === messagesUser() ? t('messages.you') : m.senderName}: ${text}`;
}

function Highlight(props: { text: string; q: string }) {
  const parts = () => {
    const q = props.q.trim();
    if (!q) return [{ s: props.text, hit: false }];
    const lower = props.text.toLowerCase();
    const needle = q.toLowerCase();
    const out: { s: string; hit: boolean }[] = [];
    let i = 0;
    for (let j = lower.indexOf(needle); j >= 0; j = lower.indexOf(needle, i)) {
      if (j > i) out.push({ s: props.text.slice(i, j), hit: false });
      out.push({ s: props.text.slice(j, j + q.length), hit: true });
      i = j + q.length;
    }
    if (i < props.text.length) out.push({ s: props.text.slice(i), hit: false });
    return out;
  };
  return <For each={parts()}>{(p) => (p.hit ? <mark>{p.s}</mark> : p.s)}</For>;
}

/** Message text with @mentions of known people set off. */
function Body(props: { m: MessageDto }) {
  const parts = createMemo(() => {
    const conv = conversationOf(props.m.conversationId);
    const names = (conv?.members ?? [])
      .filter((x) => props.m.mentions.includes(x.userId))
      .map((x) => `@${x.name}`)
      .sort((a, b) => b.length - a.length);
    if (!names.length) return [{ s: props.m.body, at: false }];
    const out: { s: string; at: boolean }[] = [];
    let rest = props.m.body;
    while (rest) {
      let best = -1;
      let name = '';
      for (const n of names) {
        const i = rest.indexOf(n);
        if (i >= 0 && (best < 0 || i < best)) {
          best = i;
          name = n;
        }
      }
      if (best < 0) {
        out.push({ s: rest, at: false });
        break;
      }
      if (best > 0) out.push({ s: rest.slice(0, best), at: false });
      out.push({ s: name, at: true });
      rest = rest.slice(best + name.length);
    }
    return out;
  });
  return <For each={parts()}>{(p) => (p.at ? <span class="mention">{p.s}</span> : p.s)}</For>;
}

function Thread(props: { id: string; onBack: () => void; onClose: () => void }) {
  const conv = () => conversationOf(props.id);
  const th = () => threads[props.id];
  const me = () => messagesUser();
  let scroller!: HTMLDivElement;
  let stickToBottom = true;

  const items = () => th()?.items ?? [];
  /** My newest stored message, and whether (all) the others have read it. */
  const receipt = createMemo(() => {
    const c = conv();
    const list = items();
    const mineLast = [...list].reverse().find((m) => !m.pending && m.senderId === me());
    if (!c || !mineLast) return null;
    const others = c.members.filter((m) => m.userId !== me());
    const readers = others.filter((m) => safeBig(m.lastReadId) >= safeBig(mineLast.id));
    if (readers.length === 0) return { id: mineLast.id, text: null };
    const text = others.length === 1 || readers.length === others.length ? t('messages.read') : t('messages.readBy', { count: formatNumber(readers.length) });
    return { id: mineLast.id, text };
  });

  // Keep the view at the newest message as they arrive, unless the user scrolled up to read.
  createEffect(
    on(
      () => items().length,
      () => {
        if (stickToBottom) queueMicrotask(() => scroller && (scroller.scrollTop = scroller.scrollHeight));
      },
    ),
  );
  const onScroll = () => {
    stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    if (scroller.scrollTop < 40) void older();
  };
  const older = async () => {
    if (!th()?.hasMore || th()?.loading) return;
    const before = scroller.scrollHeight;
    try {
      await loadOlder(props.id);
      // Keep the message the user was looking at in place.
      queueMicrotask(() => (scroller.scrollTop += scroller.scrollHeight - before));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  // A search hit: load back to it, bring it to the middle of the view and mark it a moment.
  const [found, setFound] = createSignal<string | null>(null);
  createEffect(
    on([focused, () => th()?.loaded] as const, ([id, loaded]) => {
      if (!id || !loaded) return;
      stickToBottom = false;
      void loadUntil(props.id, id)
        .then(() =>
          queueMicrotask(() => {
            scroller?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'center' });
            setFound(id);
            setFocused(null);
            setTimeout(() => setFound((f) => (f === id ? null : f)), 2500);
          }),
        )
        .catch((e) => toast(errorText(e), 'error'));
    }),
  );

  const typing = () => typingIn(props.id);

  return (
    <div class="thread" data-testid="thread">
      <header class="thread-head">
        <button type="button" class="icon-button thread-back" aria-label={t('messages.backToList')} onClick={() => props.onBack()}>
          <Icon name="arrowLeft" size={16} />
        </button>
        <div class="thread-title">
          <strong data-testid="thread-title">{conv() ? conversationName(conv()!) : ''}</strong>
          <Show when={conv()?.kind === 'group'}>
            <span class="muted small">{t('messages.memberCount', { count: formatNumber(conv()!.members.length) })}</span>
          </Show>
        </div>
        <span class="spacer" />
        <button type="button" class="icon-button thread-close" aria-label={t('common.close')} onClick={() => props.onClose()}>
          <Icon name="close" size={16} />
        </button>
      </header>
      <div class="thread-scroll" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label={t('messages.thread')}>
        <Show when={th()?.hasMore}>
          <button type="button" class="btn btn-ghost btn-sm thread-older" data-testid="thread-older" disabled={th()?.loading} onClick={older}>
            {th()?.loading ? t('common.loading') : t('messages.older')}
          </button>
        </Show>
        <Show when={th()?.loaded && items().length === 0}>
          <p class="empty-state">{t('messages.noMessagesYet')}</p>
        </Show>
        <ol class="msg-list">
          <For each={items()}>
            {(m: ThreadMessage) => {
              const mine = () => m.senderId === me();
              return (
                <li class="msg" classList={{ 'is-mine': mine(), 'is-pending': !!m.pending, 'is-failed': !!m.failed, 'is-found': found() === m.id }} data-testid="message" data-message-id={m.id}>
                  <Show when={!mine()}>
                    <span class="msg-sender">{m.senderName}</span>
                  </Show>
                  <div class="msg-bubble">
                    <Show when={m.body}>
                      <p class="msg-body">
                        <Body m={m} />
                      </p>
                    </Show>
                    <Show when={m.attachments.length}>
                      <ul class="msg-files">
                        <For each={m.attachments}>
                          {(f) => (
                            <li>
                              <a href={filesApi.url(f.id)} target="_blank" rel="noopener" class="msg-file" data-testid="message-attachment">
                                <Icon name="paperclip" size={14} />
                                {f.name}
                              </a>
                            </li>
                          )}
                        </For>
                      </ul>
                    </Show>
                  </div>
                  <span class="msg-meta muted small">
                    <Show when={m.failed} fallback={m.pending ? t('messages.sending') : formatDateTime(m.createdAt)}>
                      <span class="msg-failed" role="alert">
                        {t('messages.failed', { reason: m.failed ?? '' })}{' '}
                        <button type="button" class="link-button" onClick={() => retryMessage(m.conversationId, m.clientId!)}>
                          {t('messages.retry')}
                        </button>
                      </span>
                    </Show>
                  </span>
                  <Show when={receipt()?.id === m.id && receipt()!.text}>
                    <span class="msg-receipt" data-testid="read-receipt">
                      <Icon name="check" size={12} />
                      {receipt()!.text}
                    </span>
                  </Show>
                </li>
              );
            }}
          </For>
        </ol>
      </div>
      <div class="typing-line muted small" aria-live="polite" data-testid="typing">
        <Show when={typing().length}>{t('messages.typing', { names: typing().join(t('common.listSep')) })}</Show>
      </div>
      <Composer conversationId={props.id} />
    </div>
  );
}

const safeBig = (id: string) => {
  try {
    return BigInt(id);
  } catch {
    return -1n;
  }
};

/** Text box: Enter sends, Shift+Enter breaks the line, "@" offers people, files attach. */
function Composer(props: { conversationId: string }) {
  const [text, setText] = createSignal('');
  const [files, setFiles] = createSignal<FileRefDto[]>([]);
  const [uploading, setUploading] = createSignal(0);
  const [mention, setMention] = createSignal<{ start: number; q: string } | null>(null);
  const [candidates, setCandidates] = createSignal<Person[]>([]);
  const [active, setActive] = createSignal(0);
  let box!: HTMLTextAreaElement;
  let fileInput!: HTMLInputElement;

  onMount(() => box.focus());

  const matches = createMemo(() => {
    const m = mention();
    if (!m) return [];
    const q = m.q.toLowerCase();
    return candidates()
      .filter((p) => p.id !== messagesUser() && (p.name.toLowerCase().includes(q) || p.login.toLowerCase().includes(q)))
      .slice(0, 8);
  });

  const detectMention = () => {
    const caret = box.selectionStart ?? text().length;
    const before = text().slice(0, caret);
    const m = /(^|[^A-Za-z0-9_.])@([^\s@]{0,30})$/.exec(before);
    if (!m) return setMention(null);
    setMention({ start: caret - m[2].length - 1, q: m[2] });
    setActive(0);
    if (!candidates().length) void people().then(setCandidates).catch(() => undefined);
  };

  const pick = (p: Person) => {
    const m = mention();
    if (!m) return;
    const name = p.name || p.login;
    const caret = box.selectionStart ?? text().length;
    const next = `${text().slice(0, m.start)}@${name} ${text().slice(caret)}`;
    setText(next);
    box.value = next;
    const pos = m.start + name.length + 2;
    box.setSelectionRange(pos, pos);
    setMention(null);
    box.focus();
  };

  const submit = async () => {
    const body = text().trim();
    if ((!body && files().length === 0) || uploading() > 0) return;
    const attachments = files();
    setText('');
    setFiles([]);
    box.value = '';
    setMention(null);
    await sendMessage(props.conversationId, body, attachments);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mention() && matches().length) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setActive((i) => (i + 1) % matches().length);
        return;
      }
      if (e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i - 1 + matches().length) % matches().length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(matches()[active()]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setMention(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const upload = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      setUploading((n) => n + 1);
      try {
        const ref = await filesApi.upload(file);
        setFiles((f) => [...f, { id: ref.id, name: ref.name, size: ref.size, type: ref.type }]);
      } catch (e) {
        toast(`${file.name}: ${errorText(e)}`, 'error');
      } finally {
        setUploading((n) => n - 1);
      }
    }
    fileInput.value = '';
  };

  return (
    <div class="composer">
      <Show when={files().length || uploading()}>
        <ul class="composer-files">
          <For each={files()}>
            {(f) => (
              <li class="chip chip-removable">
                <Icon name="paperclip" size={12} />
                {f.name}
                <button type="button" class="chip-remove" aria-label={t('messages.removeFile', { name: f.name })} onClick={() => setFiles(files().filter((x) => x.id !== f.id))}>
                  ×
                </button>
              </li>
            )}
          </For>
          <Show when={uploading()}>
            <li class="chip muted">{t('messages.uploading')}</li>
          </Show>
        </ul>
      </Show>
      <div class="composer-row">
        <button type="button" class="icon-button" aria-label={t('messages.attach')} title={t('messages.attach')} data-testid="composer-attach" onClick={() => fileInput.click()}>
          <Icon name="paperclip" />
        </button>
        <input ref={fileInput} type="file" multiple hidden data-testid="composer-file" onChange={(e) => void upload(e.currentTarget.files)} />
        <div class="composer-box">
          <textarea
            ref={box}
            class="textarea composer-input"
            rows={2}
            aria-label={t('messages.composer')}
            placeholder={t('messages.composerHint')}
            data-testid="composer"
            aria-autocomplete="list"
            aria-expanded={!!mention() && matches().length > 0}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value);
              detectMention();
              noteTyping(props.conversationId);
            }}
            onKeyDown={onKeyDown}
            onClick={detectMention}
          />
          <Show when={mention() && matches().length}>
            <ul class="mention-list" role="listbox" aria-label={t('messages.mentionPick')} data-testid="mention-list">
              <For each={matches()}>
                {(p, i) => (
                  <li
                    role="option"
                    aria-selected={i() === active()}
                    class="combo-option"
                    classList={{ 'is-active': i() === active() }}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      pick(p);
                    }}
                  >
                    <span>{p.name || p.login}</span>
                    <Show when={p.name && p.name !== p.login}>
                      <span class="combo-code">{p.login}</span>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
        <button type="button" class="btn btn-primary" data-testid="composer-send" disabled={uploading() > 0 || (!text().trim() && files().length === 0)} onClick={() => void submit()}>
          {t('messages.send')}
        </button>
      </div>
    </div>
  );
}

/** Pick one person for a direct conversation, or several and a title for a group. */
function NewConversation(props: { open: boolean; onClose: () => void; onStarted: (c: ConversationDto) => void }) {
  const [list, setList] = createSignal<Person[]>([]);
  const [q, setQ] = createSignal('');
  const [chosen, setChosen] = createSignal<string[]>([]);
  const [title, setTitle] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return;
        setChosen([]);
        setTitle('');
        setQ('');
        setError(null);
        void people()
          .then(setList)
          .catch((e) => setError(errorText(e)));
      },
    ),
  );
  const shown = () => {
    const needle = q().trim().toLowerCase();
    return list().filter((p) => p.id !== messagesUser() && (!needle || p.name.toLowerCase().includes(needle) || p.login.toLowerCase().includes(needle)));
  };
  const toggle = (id: string) => setChosen(chosen().includes(id) ? chosen().filter((x) => x !== id) : [...chosen(), id]);
  const group = () => chosen().length > 1;

  const start = async () => {
    setError(null);
    if (chosen().length === 0) return setError(t('messages.pickPeople'));
    if (group() && !title().trim()) return setError(t('messages.groupTitleNeeded'));
    setBusy(true);
    try {
      const c = await startConversation(group() ? { title: title().trim(), memberIds: chosen() } : { direct: chosen()[0] });
      props.onStarted(c);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={t('messages.new')}
      size="sm"
      testid="conversation-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" class="btn btn-primary" data-testid="conversation-start" disabled={busy() || chosen().length === 0} onClick={start}>
            {group() ? t('messages.startGroup') : t('messages.startDirect')}
          </button>
        </>
      }
    >
      <div class="stack">
        <Show when={error()}>
          <div class="form-alert" role="alert">
            {error()}
          </div>
        </Show>
        <input class="input" type="search" data-autofocus aria-label={t('messages.findPeople')} placeholder={t('messages.findPeople')} data-testid="people-search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} />
        <ul class="people-list" aria-label={t('messages.people')}>
          <For each={shown()} fallback={<li class="muted small">{t('common.noResults')}</li>}>
            {(p) => (
              <li>
                <label class="checkbox">
                  <input type="checkbox" checked={chosen().includes(p.id)} data-testid={`person-${p.login}`} onChange={() => toggle(p.id)} />
                  <span>{p.name || p.login}</span>
                  <Show when={p.name && p.name !== p.login}>
                    <span class="muted small">{p.login}</span>
                  </Show>
                </label>
              </li>
            )}
          </For>
        </ul>
        <Show when={group()}>
          <label class="form-field">
            <span class="form-label">{t('messages.groupTitle')}</span>
            <input class="input" maxLength={200} data-testid="group-title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
        </Show>
      </div>
    </Modal>
  );
}
