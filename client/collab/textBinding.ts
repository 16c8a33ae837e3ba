import * as Y from 'yjs';

type TextControl = HTMLInputElement | HTMLTextAreaElement;
type Delta = { insert?: unknown; retain?: number; delete?: number }[];

/** One edit that turns `from` into `to`: the changed run, placed at the caret when ambiguous. */
export function diffText(from: string, to: string, caret: number): { index: number; remove: number; insert: string } {
  const min = Math.min(from.length, to.length);
  const grow = Math.max(0, to.length - from.length);
  // Typing "a" into "aa" could be read at any of three places; the caret says which.
  const prefixMax = Math.max(0, Math.min(min, caret - grow));
  let p = 0;
  while (p < prefixMax && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  const suffixMax = Math.max(0, Math.min(min - p, to.length - caret));
  let s = 0;
  while (s < suffixMax && from.charCodeAt(from.length - 1 - s) === to.charCodeAt(to.length - 1 - s)) s++;
  // The caret bound may stop the prefix early; extend it when the text still agrees.
  while (p < min - s && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  return { index: p, remove: from.length - p - s, insert: to.slice(p, to.length - s) };
}

/** Moves a caret index through a remote delta; text inserted exactly at the caret stays after it. */
export function shiftIndex(i: number, delta: Delta): number {
  // `at` walks the old text: retains and deletes consume it, inserts happen at it.
  let at = 0;
  let out = i;
  for (const op of delta) {
    if (op.retain !== undefined) at += op.retain;
    else if (op.insert !== undefined) {
      if (at < i) out += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      if (at < i) out -= Math.min(op.delete, i - at);
      at += op.delete;
    }
  }
  return Math.max(0, out);
}

/**
 * Keeps an `<input>`/`<textarea>` and a Y.Text equal both ways. Local typing becomes one
 * insert/delete per input event (tagged with `origin`); remote changes are applied to the
 * element with the caret and selection moved by the delta, so they never jump. During IME
 * composition remote changes wait until the composition ends. Returns the unbind function.
 */
export function bindText(el: TextControl, ytext: Y.Text, origin: object): () => void {
  const doc = ytext.doc!;
  /** The text the element was last in step with. */
  let shadow = ytext.toString();
  el.value = shadow;
  let composing = false;
  let behind = false;
  let anchor: { rel: Y.RelativePosition; index: number } | null = null;

  const pushLocal = () => {
    const next = el.value;
    if (next === shadow) return;
    const d = diffText(shadow, next, el.selectionEnd ?? next.length);
    let at = d.index;
    // Remote edits landed before the composition while it ran: move our edit with them.
    if (anchor) {
      const abs = Y.createAbsolutePositionFromRelativePosition(anchor.rel, doc);
      if (abs) at = Math.max(0, Math.min(ytext.length, d.index + abs.index - anchor.index));
    }
    doc.transact(() => {
      if (d.remove) ytext.delete(at, Math.min(d.remove, ytext.length - at));
      if (d.insert) ytext.insert(at, d.insert);
    }, origin);
    shadow = next;
    return at + d.insert.length;
  };

  const resync = (caret?: number) => {
    const text = ytext.toString();
    if (el.value !== text) el.value = text;
    shadow = text;
    behind = false;
    if (caret !== undefined && document.activeElement === el) el.setSelectionRange(caret, caret);
  };

  const onInput = (e: Event) => {
    if (composing || (e as InputEvent).isComposing) return;
    pushLocal();
    // Typed while remote changes waited (should not happen outside composition): catch up.
    if (behind || el.value !== ytext.toString()) resync(el.selectionEnd ?? undefined);
  };
  const onCompositionStart = () => {
    composing = true;
    const i = el.selectionStart ?? el.value.length;
    anchor = { rel: Y.createRelativePositionFromTypeIndex(ytext, i), index: i };
  };
  const onCompositionEnd = () => {
    composing = false;
    const caret = pushLocal();
    anchor = null;
    if (behind || el.value !== ytext.toString()) resync(caret);
  };

  const observer = (event: Y.YTextEvent, tx: Y.Transaction) => {
    if (tx.origin === origin) return;
    if (composing) {
      behind = true;
      return;
    }
    const delta = event.delta as Delta;
    const focused = document.activeElement === el;
    const a = el.selectionStart ?? 0;
    const b = el.selectionEnd ?? 0;
    const dir = el.selectionDirection ?? 'none';
    el.value = ytext.toString();
    shadow = el.value;
    if (focused) el.setSelectionRange(shiftIndex(a, delta), shiftIndex(b, delta), dir);
  };

  ytext.observe(observer);
  el.addEventListener('input', onInput);
  el.addEventListener('compositionstart', onCompositionStart);
  el.addEventListener('compositionend', onCompositionEnd);
  return () => {
    ytext.unobserve(observer);
    el.removeEventListener('input', onInput);
    el.removeEventListener('compositionstart', onCompositionStart);
    el.removeEventListener('compositionend', onCompositionEnd);
  };
}
