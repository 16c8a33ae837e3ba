import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { t } from '../i18n';

export type TreeNode = { id: string; parentId: string | null; label: string; hint?: string };

type Props = {
  label: string;
  nodes: TreeNode[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** Optional first row meaning "no filter" (id null). */
  allLabel?: string;
  loading?: boolean;
  actions?: (node: TreeNode) => JSX.Element;
  testid?: string;
};

type Visible = { node: TreeNode | null; depth: number; hasChildren: boolean };

/** A keyboard-navigable tree (WAI-ARIA tree pattern): arrows move/expand/collapse, Enter selects. */
export function TreeView(props: Props) {
  const [expanded, setExpanded] = createSignal<Set<string>>(new Set(), { equals: false });
  const [focusId, setFocusId] = createSignal<string | null | undefined>(undefined);
  const [touched, setTouched] = createSignal(false);
  let root!: HTMLUListElement;

  const children = createMemo(() => {
    const ids = new Set(props.nodes.map((n) => n.id));
    const map = new Map<string | null, TreeNode[]>();
    for (const n of props.nodes) {
      // A parent we cannot see makes the node a root, so nothing disappears.
      const parent = n.parentId && ids.has(n.parentId) ? n.parentId : null;
      const list = map.get(parent) ?? [];
      list.push(n);
      map.set(parent, list);
    }
    return map;
  });

  // Until the user expands/collapses anything, top-level nodes start open.
  const isExpanded = (id: string) => (touched() ? expanded().has(id) : expanded().has(id) || (children().get(null) ?? []).some((n) => n.id === id));

  const toggle = (id: string, open?: boolean) => {
    const set = new Set(expanded());
    if (!touched()) for (const n of children().get(null) ?? []) set.add(n.id);
    setTouched(true);
    const next = open ?? !set.has(id);
    if (next) set.add(id);
    else set.delete(id);
    setExpanded(set);
  };

  const visible = createMemo<Visible[]>(() => {
    const out: Visible[] = [];
    if (props.allLabel) out.push({ node: null, depth: 0, hasChildren: false });
    const walk = (parent: string | null, depth: number) => {
      for (const n of children().get(parent) ?? []) {
        const kids = children().get(n.id) ?? [];
        out.push({ node: n, depth, hasChildren: kids.length > 0 });
        if (kids.length > 0 && isExpanded(n.id)) walk(n.id, depth + 1);
      }
    };
    walk(null, props.allLabel ? 1 : 0);
    return out;
  });

  const activeId = () => {
    const f = focusId();
    if (f !== undefined && visible().some((v) => (v.node?.id ?? null) === f)) return f;
    const sel = props.selectedId;
    if (visible().some((v) => (v.node?.id ?? null) === sel)) return sel;
    return visible()[0]?.node?.id ?? null;
  };

  const focusItem = (id: string | null) => {
    setFocusId(id);
    queueMicrotask(() => root?.querySelector<HTMLElement>(`[data-node-id="${id ?? ''}"]`)?.focus());
  };

  const onKeyDown = (e: KeyboardEvent, v: Visible) => {
    const list = visible();
    const idx = list.findIndex((x) => (x.node?.id ?? null) === (v.node?.id ?? null));
    const id = v.node?.id ?? null;
    switch (e.key) {
      case 'ArrowDown':
        if (idx < list.length - 1) focusItem(list[idx + 1].node?.id ?? null);
        break;
      case 'ArrowUp':
        if (idx > 0) focusItem(list[idx - 1].node?.id ?? null);
        break;
      case 'ArrowRight':
        if (id && v.hasChildren) {
          if (!isExpanded(id)) toggle(id, true);
          else focusItem(list[idx + 1]?.node?.id ?? id);
        }
        break;
      case 'ArrowLeft':
        if (id && v.hasChildren && isExpanded(id)) toggle(id, false);
        else if (v.node?.parentId && list.some((x) => x.node?.id === v.node!.parentId)) focusItem(v.node.parentId);
        break;
      case 'Home':
        focusItem(list[0]?.node?.id ?? null);
        break;
      case 'End':
        focusItem(list[list.length - 1]?.node?.id ?? null);
        break;
      case 'Enter':
      case ' ':
        props.onSelect(id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div class="tree" data-testid={props.testid}>
      <ul ref={root} role="tree" aria-label={props.label} class="tree-list">
        <For each={visible()}>
          {(v) => {
            const id = v.node?.id ?? null;
            const selected = () => props.selectedId === id;
            return (
              <li
                role="treeitem"
                data-node-id={id ?? ''}
                aria-level={v.depth + 1}
                aria-selected={selected()}
                aria-expanded={v.hasChildren && id ? isExpanded(id) : undefined}
                tabIndex={activeId() === id ? 0 : -1}
                class="tree-item"
                classList={{ 'is-selected': selected() }}
                style={{ 'padding-left': `${8 + v.depth * 16}px` }}
                onClick={() => {
                  setFocusId(id);
                  props.onSelect(id);
                }}
                onKeyDown={(e) => onKeyDown(e, v)}
              >
                <span
                  class="tree-twisty"
                  aria-hidden="true"
                  onClick={(e) => {
                    if (!id || !v.hasChildren) return;
                    e.stopPropagation();
                    toggle(id);
                  }}
                >
                  <Show when={v.hasChildren && id}>
                    <svg viewBox="0 0 16 16" width="12" height="12" style={{ transform: isExpanded(id!) ? 'rotate(90deg)' : 'none' }}>
                      <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
                    </svg>
                  </Show>
                </span>
                <span class="tree-label">{v.node ? v.node.label : props.allLabel}</span>
                <Show when={v.node?.hint}>
                  <span class="tree-hint">{v.node!.hint}</span>
                </Show>
                <Show when={v.node && props.actions}>
                  <span class="tree-actions">{props.actions!(v.node!)}</span>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
      <Show when={!props.loading && props.nodes.length === 0}>
        <p class="muted tree-empty">{t('tree.empty')}</p>
      </Show>
      <Show when={props.loading && props.nodes.length === 0}>
        <div class="tree-skeleton" aria-hidden="true">
          <span class="skeleton" />
          <span class="skeleton" />
          <span class="skeleton" />
        </div>
      </Show>
    </div>
  );
}
