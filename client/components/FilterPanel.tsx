import { For, Match, Show, Switch, createResource, createSignal, onCleanup, type JSX } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { recordsApi } from '../api/endpoints';
import type { FieldMeta, FilterNode, ObjectMeta } from '../api/types';
import { formatDate, formatNumber, label, t, type MessageKey } from '../i18n';
import {
  emptyGroup,
  filterableFields,
  fromFilter,
  needsValue,
  nid,
  opsFor,
  relatedSources,
  toFilter,
  type CondNode,
  type EditNode,
  type GroupNode,
  type RelatedNode,
} from '../lib/filters';
import { fieldLabel, fieldOf, getMeta, optionLabel } from '../lib/meta';
import { objectMeta, objects } from '../lib/objects';
import { Icon } from './Icons';
import { RelationSelect, recordTitle } from './RelationSelect';

export const opLabel = (op: string) => t(`op.${op}` as MessageKey);

function find(root: GroupNode, id: string): { node: EditNode; parent: GroupNode | null } | null {
  if (root.id === id) return { node: root, parent: null };
  for (const it of root.items) {
    if (it.id === id) return { node: it, parent: root };
    if (it.kind === 'group') {
      const r = find(it, id);
      if (r) return r;
    }
    if (it.kind === 'related') {
      const r = find(it.where, id);
      if (r) return r.parent ? r : { node: r.node, parent: null };
    }
  }
  return null;
}

type Ctx = { update: (id: string, fn: (n: EditNode) => void) => void; remove: (id: string) => void; sources: ReturnType<typeof relatedSources> };

/** The compound query builder: AND/OR groups of field conditions and "has related …" conditions. */
export function FilterPanel(props: { meta: ObjectMeta; value: FilterNode | null; onApply: (f: FilterNode | null) => void; onClose: () => void }) {
  let root!: HTMLDivElement;
  const [tree, setTree] = createStore<GroupNode>(fromFilter(props.value));
  if (tree.items.length === 0) setTree('items', [newCond(props.meta)]);
  const onDoc = (e: MouseEvent) => {
    const el = e.target as HTMLElement;
    if (!root.contains(el) && !el.closest('[data-testid=filter-open]') && !el.closest('.combo-list, .relation-list')) props.onClose();
  };
  document.addEventListener('mousedown', onDoc);
  onCleanup(() => document.removeEventListener('mousedown', onDoc));
  const ctx: Ctx = {
    update: (id, fn) =>
      setTree(
        produce((r) => {
          const hit = find(r, id);
          if (hit) fn(hit.node);
        }),
      ),
    remove: (id) =>
      setTree(
        produce((r) => {
          const hit = find(r, id);
          if (hit?.parent) hit.parent.items.splice(hit.parent.items.indexOf(hit.node), 1);
        }),
      ),
    sources: relatedSources(objects(), props.meta.name),
  };
  const apply = () => props.onApply(toFilter(JSON.parse(JSON.stringify(unwrap(tree))) as GroupNode));
  return (
    <div
      class="popover filter-popover"
      ref={root}
      role="dialog"
      aria-label={t('filter.title')}
      data-testid="filter-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      <div class="popover-head">
        <strong>{t('filter.title')}</strong>
        <span class="muted small">{t('filter.hint')}</span>
      </div>
      <div class="filter-body">
        <GroupEditor meta={props.meta} group={tree} ctx={ctx} depth={0} allowRelated />
      </div>
      <div class="popover-foot">
        <button type="button" class="btn btn-ghost btn-sm" data-testid="filter-clear" onClick={() => props.onApply(null)}>
          {t('filter.clearAll')}
        </button>
        <span class="spacer" />
        <button type="button" class="btn btn-sm" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" class="btn btn-sm btn-primary" data-testid="filter-apply" onClick={apply}>
          {t('common.apply')}
        </button>
      </div>
    </div>
  );
}

function newCond(meta: ObjectMeta): CondNode {
  const f = fieldOf(meta, meta.titleField) ?? filterableFields(meta)[0];
  return { kind: 'cond', id: nid(), field: f?.name ?? '', op: opsFor(f)[0] ?? 'eq', value: undefined };
}

function GroupEditor(props: { meta: ObjectMeta; group: GroupNode; ctx: Ctx; depth: number; allowRelated: boolean; onRemove?: () => void }) {
  const add = (n: EditNode) => props.ctx.update(props.group.id, (g) => (g as GroupNode).items.push(n));
  return (
    <div class="filter-group" classList={{ 'is-nested': props.depth > 0 }} data-testid={`filter-group-${props.depth}`}>
      <div class="filter-group-head">
        <div class="segmented segmented-sm" role="radiogroup" aria-label={t('filter.combine')}>
          <For each={['and', 'or'] as const}>
            {(m) => (
              <button
                type="button"
                role="radio"
                class="segment"
                aria-checked={props.group.mode === m}
                classList={{ 'is-active': props.group.mode === m }}
                data-testid={`filter-mode-${m}`}
                onClick={() => props.ctx.update(props.group.id, (g) => ((g as GroupNode).mode = m))}
              >
                {t(m === 'and' ? 'filter.all' : 'filter.any')}
              </button>
            )}
          </For>
        </div>
        <span class="spacer" />
        <Show when={props.onRemove}>
          <button type="button" class="icon-button icon-button-sm" aria-label={t('filter.removeGroup')} onClick={() => props.onRemove?.()}>
            <Icon name="close" size={14} />
          </button>
        </Show>
      </div>
      <ul class="filter-items">
        <For each={props.group.items}>
          {(item, i) => (
            <li class="filter-item">
              <span class="filter-joiner muted small">{i() === 0 ? t('filter.where') : t(props.group.mode === 'and' ? 'filter.and' : 'filter.or')}</span>
              <Switch>
                <Match when={item.kind === 'cond'}>
                  <CondEditor meta={props.meta} node={item as CondNode} ctx={props.ctx} />
                </Match>
                <Match when={item.kind === 'group'}>
                  <GroupEditor meta={props.meta} group={item as GroupNode} ctx={props.ctx} depth={props.depth + 1} allowRelated={props.allowRelated} onRemove={() => props.ctx.remove(item.id)} />
                </Match>
                <Match when={item.kind === 'related'}>
                  <RelatedEditor node={item as RelatedNode} ctx={props.ctx} />
                </Match>
              </Switch>
            </li>
          )}
        </For>
      </ul>
      <div class="filter-add-row">
        <button type="button" class="btn btn-ghost btn-sm" data-testid={props.depth === 0 ? 'filter-add' : undefined} onClick={() => add(newCond(props.meta))}>
          <Icon name="plus" size={14} />
          {t('filter.addCondition')}
        </button>
        <Show when={props.depth < 2}>
          <button type="button" class="btn btn-ghost btn-sm" data-testid={props.depth === 0 ? 'filter-add-group' : undefined} onClick={() => add({ ...emptyGroup(props.group.mode === 'and' ? 'or' : 'and'), items: [newCond(props.meta)] })}>
            <Icon name="plus" size={14} />
            {t('filter.addGroup')}
          </button>
        </Show>
        <Show when={props.allowRelated && props.ctx.sources.length > 0}>
          <button
            type="button"
            class="btn btn-ghost btn-sm"
            data-testid={props.depth === 0 ? 'filter-add-related' : undefined}
            onClick={() => {
              const s = props.ctx.sources[0];
              add({ kind: 'related', id: nid(), related: s.object.name, via: s.via.name, exists: true, where: emptyGroup() });
            }}
          >
            <Icon name="plus" size={14} />
            {t('filter.addRelated')}
          </button>
        </Show>
      </div>
    </div>
  );
}

function CondEditor(props: { meta: ObjectMeta; node: CondNode; ctx: Ctx }) {
  const field = () => fieldOf(props.meta, props.node.field);
  const ops = () => opsFor(field(), !!(field()?.relation && objectMeta(field()!.relation!)?.tree));
  const set = (fn: (n: CondNode) => void) => props.ctx.update(props.node.id, (n) => fn(n as CondNode));
  return (
    <div class="filter-cond" data-testid="filter-cond">
      <select
        class="select select-sm"
        aria-label={t('filter.field')}
        data-testid="filter-field"
        value={props.node.field}
        onChange={(e) => {
          const name = e.currentTarget.value;
          set((n) => {
            n.field = name;
            n.op = opsFor(fieldOf(props.meta, name))[0] ?? 'eq';
            n.value = undefined;
          });
        }}
      >
        <For each={filterableFields(props.meta)}>{(f) => <option value={f.name} selected={f.name === props.node.field}>{fieldLabel(props.meta, f.name)}</option>}</For>
      </select>
      <select
        class="select select-sm"
        aria-label={t('filter.operator')}
        data-testid="filter-op"
        value={props.node.op}
        onChange={(e) => {
          const op = e.currentTarget.value;
          set((n) => {
            const wasList = n.op === 'in' || n.op === 'between' || n.op === 'containsAny' || n.op === 'containsAll';
            const isList = op === 'in' || op === 'between' || op === 'containsAny' || op === 'containsAll';
            n.op = op;
            if (wasList !== isList || op === 'lastNDays' || op === 'nextNDays') n.value = op === 'lastNDays' || op === 'nextNDays' ? 30 : undefined;
          });
        }}
      >
        <For each={ops()}>{(op) => <option value={op} selected={op === props.node.op}>{opLabel(op)}</option>}</For>
      </select>
      <Show when={needsValue(props.node.op) && field()}>
        <ValueInput field={field()!} op={props.node.op} value={props.node.value} labels={props.node.labels} onChange={(v, labels) => set((n) => { n.value = v; if (labels) n.labels = { ...(n.labels ?? {}), ...labels }; })} />
      </Show>
      <button type="button" class="icon-button icon-button-sm" aria-label={t('filter.removeCondition')} data-testid="filter-remove" onClick={() => props.ctx.remove(props.node.id)}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

function RelatedEditor(props: { node: RelatedNode; ctx: Ctx }) {
  const [rmeta] = createResource(() => props.node.related, (o) => getMeta(o).catch(() => undefined));
  const key = () => `${props.node.related}.${props.node.via}`;
  return (
    <div class="filter-related" data-testid="filter-related">
      <div class="filter-cond">
        <select
          class="select select-sm"
          aria-label={t('filter.hasOrNot')}
          data-testid="filter-related-exists"
          value={props.node.exists ? 'yes' : 'no'}
          onChange={(e) => props.ctx.update(props.node.id, (n) => ((n as RelatedNode).exists = e.currentTarget.value === 'yes'))}
        >
          <option value="yes" selected={props.node.exists}>{t('filter.has')}</option>
          <option value="no" selected={!props.node.exists}>{t('filter.hasNo')}</option>
        </select>
        <select
          class="select select-sm"
          aria-label={t('filter.relatedObject')}
          data-testid="filter-related-object"
          value={key()}
          onChange={(e) => {
            const [o, v] = e.currentTarget.value.split('.');
            props.ctx.update(props.node.id, (n) => {
              const r = n as RelatedNode;
              r.related = o;
              r.via = v;
              r.where = emptyGroup();
            });
          }}
        >
          <For each={props.ctx.sources}>
            {(s) => {
              const many = props.ctx.sources.filter((x) => x.object.name === s.object.name).length > 1;
              return (
                <option value={`${s.object.name}.${s.via.name}`} selected={`${s.object.name}.${s.via.name}` === key()}>
                  {label(s.object.pluralLabel, s.object.name)}
                  {many ? ` (${label(s.via.label, s.via.name)})` : ''}
                </option>
              );
            }}
          </For>
        </select>
        <span class="muted small">{props.node.where.items.length ? t('filter.matching') : t('filter.anyRecord')}</span>
        <span class="spacer" />
        <button type="button" class="icon-button icon-button-sm" aria-label={t('filter.removeCondition')} onClick={() => props.ctx.remove(props.node.id)}>
          <Icon name="close" size={14} />
        </button>
      </div>
      <Show when={rmeta()}>{(m) => <GroupEditor meta={m()} group={props.node.where} ctx={props.ctx} depth={1} allowRelated={false} />}</Show>
    </div>
  );
}

function ValueInput(props: { field: FieldMeta; op: string; value: unknown; labels?: Record<string, string>; onChange: (v: unknown, labels?: Record<string, string>) => void }): JSX.Element {
  const f = () => props.field;
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const arr = () => (Array.isArray(props.value) ? (props.value as unknown[]) : []);
  const scalar = (v: unknown, onChange: (v: unknown) => void, testid = 'filter-value') => {
    const type = f().type;
    if (type === 'select')
      return (
        <select class="select select-sm" aria-label={t('filter.value')} data-testid={testid} value={str(v)} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
          <option value="">{t('common.select')}</option>
          <For each={f().options ?? []}>{(o) => <option value={o.value} selected={o.value === v}>{label(o.label, o.value)}</option>}</For>
        </select>
      );
    if (type === 'boolean')
      return (
        <select class="select select-sm" aria-label={t('filter.value')} data-testid={testid} value={v === true ? 'true' : v === false ? 'false' : ''} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value === 'true')}>
          <option value="">{t('common.select')}</option>
          <option value="true" selected={v === true}>{t('common.yes')}</option>
          <option value="false" selected={v === false}>{t('common.no')}</option>
        </select>
      );
    if (type === 'number' || type === 'money' || type === 'percent')
      return (
        <input
          class="input input-sm filter-number"
          type="number"
          step="any"
          aria-label={t('filter.value')}
          data-testid={testid}
          value={str(v)}
          onInput={(e) => {
            const raw = e.currentTarget.value;
            onChange(raw === '' ? undefined : type === 'money' ? raw : Number(raw));
          }}
        />
      );
    if (type === 'date' || type === 'dateTime')
      return (
        <input
          class="input input-sm"
          type="date"
          aria-label={t('filter.value')}
          data-testid={testid}
          value={str(v).slice(0, 10)}
          onInput={(e) => {
            const d = e.currentTarget.value;
            onChange(!d ? undefined : type === 'dateTime' ? new Date(`${d}T00:00:00`).toISOString() : d);
          }}
        />
      );
    if (type === 'relation' && f().relation)
      return (
        <div class="filter-relation">
          <RelationSelect
            id={`fv-${f().name}-${Math.random().toString(36).slice(2, 7)}`}
            relation={f().relation!}
            value={(v as string) ?? null}
            label={(typeof v === "string" && props.labels?.[v]) || null}
            testid={testid}
            onChange={(id, l) => {
              if (id && l) props.onChange(props.op === 'in' ? [...arr().filter((x) => x !== id), id] : id, { [id]: l });
              else onChange(id ?? undefined);
            }}
          />
        </div>
      );
    return <input class="input input-sm" aria-label={t('filter.value')} data-testid={testid} value={str(v)} onInput={(e) => onChange(e.currentTarget.value || undefined)} />;
  };

  return (
    <Switch fallback={scalar(props.value, (v) => props.onChange(v))}>
      <Match when={props.op === 'lastNDays' || props.op === 'nextNDays'}>
        <label class="filter-n">
          <span class="visually-hidden">{t('filter.days')}</span>
          <input
            class="input input-sm filter-number"
            type="number"
            min="1"
            max="3660"
            step="1"
            data-testid="filter-value"
            value={str(props.value)}
            onInput={(e) => props.onChange(e.currentTarget.value === '' ? undefined : Math.max(1, Math.round(Number(e.currentTarget.value))))}
          />
          <span class="muted small">{t('filter.daysUnit')}</span>
        </label>
      </Match>
      <Match when={props.op === 'between'}>
        <span class="filter-between">
          {scalar(arr()[0], (v) => props.onChange([v ?? '', arr()[1] ?? '']), 'filter-value')}
          <span class="muted small">{t('filter.andWord')}</span>
          {scalar(arr()[1], (v) => props.onChange([arr()[0] ?? '', v ?? '']), 'filter-value-2')}
        </span>
      </Match>
      <Match when={(props.op === 'in' && f().type === 'select') || props.op === 'containsAny' || props.op === 'containsAll'}>
        <div class="check-grid filter-checks" role="group" aria-label={t('filter.value')} data-testid="filter-value">
          <For each={f().options ?? []}>
            {(o) => (
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={arr().includes(o.value)}
                  onChange={(e) => props.onChange(e.currentTarget.checked ? [...arr(), o.value] : arr().filter((x) => x !== o.value))}
                />
                <span>{label(o.label, o.value)}</span>
              </label>
            )}
          </For>
        </div>
      </Match>
      <Match when={props.op === 'in' && f().type === 'relation'}>
        <div class="filter-in">
          <For each={arr()}>
            {(id) => (
              <span class="chip chip-removable">
                <RecordLabel object={f().relation!} id={String(id)} known={props.labels?.[String(id)]} />
                <button type="button" class="chip-remove" aria-label={t('common.clear')} onClick={() => props.onChange(arr().filter((x) => x !== id))}>
                  ×
                </button>
              </span>
            )}
          </For>
          {scalar(null, () => undefined)}
        </div>
      </Match>
      <Match when={props.op === 'in'}>
        <input
          class="input input-sm"
          aria-label={t('filter.value')}
          placeholder={t('filter.commaSeparated')}
          data-testid="filter-value"
          value={arr().join(', ')}
          onChange={(e) => props.onChange(e.currentTarget.value.split(/[,，]/).map((s) => s.trim()).filter(Boolean))}
        />
      </Match>
    </Switch>
  );
}

const titleCache = new Map<string, Promise<string>>();
/** The title of a record by id (for chips of relation conditions), fetched once. */
export function RecordLabel(props: { object: string; id: string; known?: string }) {
  const [text] = createResource(
    () => (props.known ? false : `${props.object}/${props.id}`),
    (k) => {
      let p = titleCache.get(k);
      if (!p) {
        p = Promise.all([getMeta(props.object), recordsApi.get(props.object, props.id)])
          .then(([m, r]) => recordTitle(r, m))
          .catch(() => props.id.slice(0, 8));
        titleCache.set(k, p);
      }
      return p;
    },
  );
  return <>{props.known ?? text() ?? '…'}</>;
}

/** A readable sentence for one filter node: "Industry is Manufacturing", "has Activities: Time last 30 days". */
export function FilterText(props: { meta: ObjectMeta; node: FilterNode }): JSX.Element {
  const n = props.node;
  if ('and' in n || 'or' in n) {
    const parts = 'and' in n ? n.and : n.or;
    const sep = ` ${t('and' in n ? 'filter.and' : 'filter.or')} `;
    return (
      <>
        (
        <For each={parts}>
          {(p, i) => (
            <>
              {i() > 0 ? sep : ''}
              <FilterText meta={props.meta} node={p} />
            </>
          )}
        </For>
        )
      </>
    );
  }
  if ('related' in n) {
    const o = objectMeta(n.related);
    const [rm] = createResource(() => n.related, (x) => getMeta(x).catch(() => undefined));
    return (
      <>
        {t(n.exists === false ? 'filter.hasNo' : 'filter.has')} {o ? label(o.pluralLabel, n.related) : n.related}
        <Show when={n.where && rm()}>
          {': '}
          <FilterText meta={rm()!} node={n.where!} />
        </Show>
      </>
    );
  }
  const f = fieldOf(props.meta, n.field);
  const val = (v: unknown): JSX.Element => {
    if (v === null || v === undefined) return '';
    switch (f?.type) {
      case 'select':
      case 'multiSelect':
        return optionLabel(f, v);
      case 'boolean':
        return v ? t('common.yes') : t('common.no');
      case 'date':
        return formatDate(String(v));
      case 'dateTime':
        return formatDate(String(v));
      case 'number':
      case 'percent':
        return formatNumber(v as number);
      case 'money':
        return formatNumber(v as string);
      case 'relation':
        return <RecordLabel object={f.relation!} id={String(v)} />;
      default:
        return String(v);
    }
  };
  const value = (): JSX.Element => {
    if (!needsValue(n.op)) return '';

    if (Array.isArray(n.value)) {
      const items = n.value as unknown[];
      const sep = n.op === 'between' ? ` ${t('filter.andWord')} ` : t('common.listSep');
      return <For each={items}>{(x, i) => <>{i() > 0 ? sep : ''}{val(x)}</>}</For>;
    }
    return val(n.value);
  };
  return (
    <>
      {fieldLabel(props.meta, n.field)}{' '}
      <span class="muted">{n.op === 'lastNDays' || n.op === 'nextNDays' ? t(n.op === 'lastNDays' ? 'filter.lastN' : 'filter.nextN', { n: String(n.value) }) : opLabel(n.op)}</span> {value()}
    </>
  );
}

