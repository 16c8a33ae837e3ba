import { batch, createSignal } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { ConversationDto, MessageDto } from '../../collab/channels/events';
import { conversationsApi, messagesApi } from '../api/collab';
import { errorText } from '../i18n';
import { call, onConnect, onSocket, send } from './socket';

/** A message as the thread shows it: sent, or still on its way from this tab. */
export type ThreadMessage = MessageDto & { pending?: boolean; failed?: string | null };
type Thread = { items: ThreadMessage[]; hasMore: boolean; loading: boolean; loaded: boolean };
type Typist = { name: string; until: number };

const PAGE = 30;
const TYPING_TTL = 6000;

const [conversations, setConversations] = createStore<ConversationDto[]>([]);
const [threads, setThreads] = createStore<Record<string, Thread>>({});
const [typists, setTypists] = createStore<Record<string, Record<string, Typist>>>({});
const [loaded, setLoaded] = createSignal(false);
/** The conversation shown in the open panel (messages there count as read). */
const [viewing, setViewing] = createSignal<string | null>(null);
const [myId, setMyId] = createSignal<string | null>(null);
/** The newest message id this tab has seen: "since" for what was missed while offline. */
let newest = 0n;

export { conversations, threads, loaded, viewing };

const byRecent = (a: ConversationDto, b: ConversationDto) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '');
const big = (id: string) => {
  try {
    return BigInt(id);
  } catch {
    return 0n;
  }
};
const noteNewest = (id: string) => {
  const n = big(id);
  if (n > newest) newest = n;
};

/** Unread messages over all conversations (the header badge). */
export const unreadTotal = (): number => conversations.reduce((s, c) => s + c.unread, 0);

export function conversationOf(id: string): ConversationDto | undefined {
  return conversations.find((c) => c.id === id);
}

/** Who else is typing in a conversation right now. */
export function typingIn(id: string): string[] {
  const now = Date.now();
  return Object.values(typists[id] ?? {})
    .filter((x) => x.until > now)
    .map((x) => x.name);
}

function upsertConversation(c: ConversationDto): void {
  if (c.lastMessage) noteNewest(c.lastMessage.id);
  setConversations(
    produce((list) => {
      const i = list.findIndex((x) => x.id === c.id);
      if (i >= 0) list[i] = c;
      else list.push(c);
      list.sort(byRecent);
    }),
  );
}

/** Loads the conversation list (after sign-in and after every reconnect). */
export async function loadConversations(): Promise<void> {
  const res = await conversationsApi.list();
  for (const c of res.items) if (c.lastMessage) noteNewest(c.lastMessage.id);
  setConversations(reconcile([...res.items].sort(byRecent), { key: 'id' }));
  setLoaded(true);
}

/** Adds an arrived message to its thread and conversation (idempotent: a message may come twice). */
function receive(m: MessageDto): void {
  noteNewest(m.id);
  const me = myId();
  const conv = conversationOf(m.conversationId);
  let added = true;
  batch(() => {
    if (threads[m.conversationId]?.loaded) {
      setThreads(
        m.conversationId,
        'items',
        produce((items) => {
          if (items.some((x) => x.id === m.id)) {
            added = false;
            return;
          }
          const mine = m.clientId ? items.findIndex((x) => x.pending && x.clientId === m.clientId) : -1;
          if (mine >= 0) items[mine] = { ...m };
          else {
            items.push({ ...m });
            items.sort((a, b) => (a.pending === b.pending ? (big(a.id) < big(b.id) ? -1 : 1) : a.pending ? 1 : -1));
          }
        }),
      );
    }
    if (!conv) return;
    const newer = !conv.lastMessage || big(m.id) > big(conv.lastMessage.id);
    const seenHere = viewing() === m.conversationId && document.visibilityState === 'visible';
    const countIt = added && m.senderId !== me && !seenHere && (!conv.lastMessage || big(m.id) > big(conv.lastMessage.id));
    setConversations(
      produce((list) => {
        const c = list.find((x) => x.id === m.conversationId);
        if (!c) return;
        if (newer) {
          c.lastMessage = m;
          c.lastMessageAt = m.createdAt;
        }
        if (countIt) c.unread += 1;
        list.sort(byRecent);
      }),
    );
  });
  if (!conv) void loadConversations().catch(() => undefined);
  else if (viewing() === m.conversationId && m.senderId !== me && document.visibilityState === 'visible') void markRead(m.conversationId);
}

/** The first page of a thread (newest messages), once. */
export async function openThread(id: string): Promise<void> {
  if (threads[id]?.loaded || threads[id]?.loading) return;
  setThreads(id, { items: [], hasMore: false, loading: true, loaded: false });
  try {
    const page = await conversationsApi.messages(id, { limit: PAGE });
    const items = [...page.items].sort((a, b) => (big(a.id) < big(b.id) ? -1 : 1));
    for (const m of items) noteNewest(m.id);
    setThreads(id, { items, hasMore: page.hasMore, loading: false, loaded: true });
  } catch (e) {
    setThreads(id, { items: [], hasMore: false, loading: false, loaded: false });
    throw e;
  }
}

/** One page further back in a thread (`limit` messages, a page by default). */
export async function loadOlder(id: string, limit = PAGE): Promise<void> {
  const th = threads[id];
  if (!th || th.loading || !th.hasMore) return;
  const oldest = th.items.find((m) => !m.pending);
  setThreads(id, 'loading', true);
  try {
    const page = await conversationsApi.messages(id, { before: oldest?.id, limit });
    const older = [...page.items].sort((a, b) => (big(a.id) < big(b.id) ? -1 : 1));
    setThreads(
      id,
      produce((t) => {
        const have = new Set(t.items.map((m) => m.id));
        t.items.unshift(...older.filter((m) => !have.has(m.id)));
        t.hasMore = page.hasMore;
        t.loading = false;
      }),
    );
  } catch (e) {
    setThreads(id, 'loading', false);
    throw e;
  }
}

/** Loads a thread back far enough to hold `messageId` (a search hit), in large pages. */
export async function loadUntil(id: string, messageId: string): Promise<void> {
  const target = big(messageId);
  for (;;) {
    const th = threads[id];
    if (!th?.loaded || !th.hasMore || th.loading) return;
    const oldest = th.items.find((m) => !m.pending);
    if (oldest && big(oldest.id) <= target) return;
    await loadOlder(id, 200);
  }
}

/** Marks a conversation read up to its newest message (here and, through the server, in other tabs). */
export async function markRead(id: string): Promise<void> {
  const conv = conversationOf(id);
  const items = threads[id]?.items ?? [];
  const last = [...items].reverse().find((m) => !m.pending)?.id ?? conv?.lastMessage?.id;
  if (!conv || !last) return;
  const mine = conv.members.find((m) => m.userId === myId());
  if (conv.unread === 0 && mine && big(mine.lastReadId) >= big(last)) return;
  setConversations((c) => c.id === id, 'unread', 0);
  await call('message:read', { conversationId: id, lastReadId: last }).catch(() => undefined);
}

/** Sets which conversation the open panel shows (null when closed or on the list). */
export function setViewingConversation(id: string | null): void {
  setViewing(id);
  if (id) void markRead(id);
}

let clientSeq = 0;
/** Sends a message: shown at once as pending, replaced by the stored one when the server acks it. */
export async function sendMessage(conversationId: string, body: string, attachments: MessageDto['attachments'] = []): Promise<void> {
  const clientId = `${Date.now().toString(36)}-${(clientSeq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const me = myId() ?? '';
  const mine = conversationOf(conversationId)?.members.find((m) => m.userId === me);
  const optimistic: ThreadMessage = {
    id: `pending:${clientId}`,
    conversationId,
    senderId: me,
    senderName: mine?.name ?? '',
    body,
    attachments,
    mentions: [],
    createdAt: new Date().toISOString(),
    clientId,
    pending: true,
    failed: null,
  };
  if (threads[conversationId]?.loaded) setThreads(conversationId, 'items', (items) => [...items, optimistic]);
  send('typing', { conversationId, typing: false });
  await deliver(optimistic);
}

async function deliver(m: ThreadMessage): Promise<void> {
  try {
    const stored = await call('message:send', {
      conversationId: m.conversationId,
      body: m.body,
      attachmentIds: m.attachments.map((a) => a.id),
      clientId: m.clientId,
    });
    receive({ ...stored, clientId: m.clientId });
  } catch (e) {
    setThreads(m.conversationId, 'items', (x) => x.clientId === m.clientId && !!x.pending, 'failed', errorText(e));
  }
}

/** Sends a failed message again. */
export function retryMessage(conversationId: string, clientId: string): void {
  const m = threads[conversationId]?.items.find((x) => x.clientId === clientId && x.pending);
  if (!m) return;
  setThreads(conversationId, 'items', (x) => x === m, 'failed', null);
  void deliver(m);
}

let typingSent = 0;
let typingStop: ReturnType<typeof setTimeout> | undefined;
/** The composer's keystrokes: "typing" at most every 3 s, "stopped" after 4 s of quiet. */
export function noteTyping(conversationId: string): void {
  const now = Date.now();
  if (now - typingSent > 3000) {
    typingSent = now;
    send('typing', { conversationId, typing: true });
  }
  clearTimeout(typingStop);
  typingStop = setTimeout(() => {
    typingSent = 0;
    send('typing', { conversationId, typing: false });
  }, 4000);
}

/** Creates (or finds) a direct conversation, or a group. */
export async function startConversation(input: { direct: string } | { title: string; memberIds: string[] }): Promise<ConversationDto> {
  const c = 'direct' in input ? await conversationsApi.createDirect(input.direct) : await conversationsApi.createGroup(input.title, input.memberIds);
  upsertConversation(c);
  // The server joins our sockets to its room; be sure for this one even on an older socket.
  await call('conversation:join', { conversationId: c.id }).catch(() => undefined);
  return c;
}

/** Searches the history of all my conversations. */
export async function searchMessages(q: string): Promise<MessageDto[]> {
  return (await messagesApi.search(q)).items;
}

let wired = false;
function wire(): void {
  if (wired) return;
  wired = true;
  onSocket('message:new', (m) => receive(m));
  onSocket('conversation:updated', (c) => upsertConversation(c));
  onSocket('message:read', (r) => {
    setConversations(
      produce((list) => {
        const c = list.find((x) => x.id === r.conversationId);
        if (!c) return;
        const member = c.members.find((m) => m.userId === r.userId);
        if (member && big(r.lastReadId) > big(member.lastReadId)) member.lastReadId = r.lastReadId;
        // Read in another of my tabs.
        if (r.userId === myId() && c.lastMessage && big(r.lastReadId) >= big(c.lastMessage.id)) c.unread = 0;
      }),
    );
  });
  onSocket('typing', (s) => {
    if (s.userId === myId()) return;
    if (s.typing) setTypists(s.conversationId, (x) => ({ ...(x ?? {}), [s.userId]: { name: s.name, until: Date.now() + TYPING_TTL } }));
    else setTypists(s.conversationId, (x) => ({ ...(x ?? {}), [s.userId]: { name: s.name, until: 0 } }));
    // Expire the indicator even if "stopped" never comes (the other tab closed).
    setTimeout(() => setTypists(s.conversationId, (x) => ({ ...(x ?? {}) })), TYPING_TTL + 50);
  });
  onConnect((reconnect) => {
    if (!reconnect) return;
    // Fetch what was missed while the socket was down, then fix the unread counts.
    const since = newest.toString();
    void call('messages:missed', { sinceId: since })
      .then((list) => list.forEach(receive))
      .catch(() => undefined)
      .finally(() => void loadConversations().catch(() => undefined));
  });
}

/** Starts the messages state for the signed-in user. */
export function startMessages(userId: string): void {
  wire();
  setMyId(userId);
  void loadConversations().catch(() => undefined);
}

/** Forgets everything (sign-out). */
export function stopMessages(): void {
  batch(() => {
    setMyId(null);
    setConversations([]);
    setThreads(reconcile({}));
    setTypists(reconcile({}));
    setLoaded(false);
    setViewing(null);
  });
  newest = 0n;
}

export { myId as messagesUser };
