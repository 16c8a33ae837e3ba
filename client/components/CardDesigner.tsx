import { For, Show, createSignal } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { ApiError, type FieldError } from '../api/client';
import { layoutApi } from '../api/endpoints';
import type { CardLayout, LayoutTab, Localized, ObjectMeta } from '../api/types';
import { errorText, fieldErrorText, label, locale, t } from '../i18n';
import { fieldLabel } from '../lib/meta';
import { objects } from '../lib/objects';
import { confirmDialog } from './ConfirmDialog';
import { Icon } from './Icons';
import { toast } from './Toasts';

type FieldsTab = Extract<LayoutTab, { kind: 'fields' }>;
const keyOf = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const both = (text: string): Localized => ({ en: text, 'zh-CN': text });

/** Related tabs the object may have: any object with an editable relation field pointing here. */
export function availableRelated(object: string): Extract<LayoutTab, { kind: 'related' }>[] {
  const out: Extract<LayoutTab, { kind: 'related' }>[] = [];
  for (const o of objects()) {
    if (o.name === object) continue;
    for (const f of o.fields.filter((x) => x.type === 'relation' && x.relation === object && !x.readOnly))
      out.push({ kind: 'related', key: `${o.name}-${f.name}`, label: o.pluralLabel, object: o.name, via: f.name, columns: o.listColumns.filter((c) => c !== f.name) });
  }
  return out;
}

/**
 * "Design card" (administrators): drag fields between sections and reorder them, add / rename /
 * remove sections and tabs, show or hide related tabs, reorder tabs; Save (PUT) or Reset (DELETE).
 * Every drag has a keyboard alternative (arrow buttons and a "move to section" select).
 */
export function CardDesigner(props: { meta: ObjectMeta; layout: CardLayout; onSaved: () => void; onCancel: () => void }) {
  const [draft, setDraft] = createStore<CardLayout>(JSON.parse(JSON.stringify(props.layout)) as CardLayout);
  const [errors, setErrors] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [drag, setDrag] = createSignal<{ field: string } | { tab: number } | null>(null);
  const [over, setOver] = createSignal<string | null>(null);
  const edit = (fn: (d: CardLayout) => void) => setDraft(produce(fn));
  const loc = () => locale();
  const rename = (l: Localized, text: string) => ({ ...l, [loc()]: text }) as Localized;

  const locate = (d: CardLayout, field: string) => {
    for (const [ti, tab] of d.tabs.entries())
      if (tab.kind === 'fields') for (const [si, sec] of tab.sections.entries()) { const fi = sec.fields.indexOf(field); if (fi >= 0) return { ti, si, fi }; }
    return null;
  };
  const moveField = (field: string, ti: number, si: number, before: string | null) =>
    edit((d) => {
      const from = locate(d, field);
      if (!from) return;
      const src = (d.tabs[from.ti] as FieldsTab).sections[from.si].fields;
      src.splice(from.fi, 1);
      const dst = (d.tabs[ti] as FieldsTab).sections[si].fields;
      const at = before ? dst.indexOf(before) : -1;
      if (at < 0) dst.push(field);
      else dst.splice(at, 0, field);
    });
  const nudgeField = (field: string, dir: -1 | 1) =>
    edit((d) => {
      const at = locate(d, field);
      if (!at) return;
      const list = (d.tabs[at.ti] as FieldsTab).sections[at.si].fields;
      const j = at.fi + dir;
      if (j < 0 || j >= list.length) return;
      [list[at.fi], list[j]] = [list[j], list[at.fi]];
    });
  const moveTab = (i: number, j: number) =>
    edit((d) => {
      if (j < 0 || j >= d.tabs.length || i === j) return;
      const [tab] = d.tabs.splice(i, 1);
      d.tabs.splice(j, 0, tab);
    });
  const sectionsAll = () =>
    draft.tabs.flatMap((tab, ti) => (tab.kind === 'fields' ? tab.sections.map((sec, si) => ({ ti, si, text: `${label(tab.label)} › ${label(sec.label, sec.key)}` })) : []));

  const hiddenRelated = () => availableRelated(props.meta.name).filter((r) => !draft.tabs.some((x) => x.kind === 'related' && x.object === r.object && x.via === r.via));

  /** A server error path (tabs.1.sections.0.fields.3) as words: "Tab 2 › Section 1 › Field 4". */
  const describe = (fe: FieldError) => {
    const m = /^tabs\.(\d+)(?:\.sections\.(\d+))?(?:\.fields\.(\d+))?/.exec(fe.field);
    const parts: string[] = [];
    if (m) {
      const tab = draft.tabs[Number(m[1])];
      parts.push(tab ? label(tab.label) : t('design.tabN', { n: Number(m[1]) + 1 }));
      if (m[2] !== undefined && tab?.kind === 'fields') parts.push(label(tab.sections[Number(m[2])]?.label) || t('design.sectionN', { n: Number(m[2]) + 1 }));
    }
    const value = typeof fe.params?.value === 'string' ? fieldLabel(props.meta, fe.params.value) : undefined;
    return `${parts.join(' › ')}${parts.length ? ': ' : ''}${fieldErrorText(fe, value)}`;
  };

  const save = async () => {
    setBusy(true);
    setErrors([]);
    try {
      await layoutApi.save(props.meta.name, JSON.parse(JSON.stringify(unwrap(draft))) as CardLayout);
      toast(t('design.saved'));
      props.onSaved();
    } catch (e) {
      setErrors(e instanceof ApiError && e.fields.length ? e.fields.map(describe) : [errorText(e)]);
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    if (!(await confirmDialog({ title: t('design.resetTitle'), body: t('design.resetBody'), confirmLabel: t('design.reset'), danger: true }))) return;
    try {
      await layoutApi.reset(props.meta.name);
      toast(t('design.resetDone'));
      props.onSaved();
    } catch (e) {
      setErrors([errorText(e)]);
    }
  };

  return (
    <div class="designer" data-testid="card-designer">
      <div class="designer-bar">
        <strong>{t('design.title')}</strong>
        <span class="muted small">{t('design.hint')}</span>
        <span class="spacer" />
        <button type="button" class="btn btn-sm btn-danger-ghost" data-testid="layout-reset" onClick={() => void reset()}>
          {t('design.reset')}
        </button>
        <button type="button" class="btn btn-sm" data-testid="layout-cancel" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" class="btn btn-sm btn-primary" data-testid="layout-save" disabled={busy()} onClick={() => void save()}>
          {busy() ? t('common.saving') : t('common.save')}
        </button>
      </div>
      <Show when={errors().length}>
        <div class="form-alert" role="alert" data-testid="layout-errors">
          <ul>
            <For each={errors()}>{(x) => <li>{x}</li>}</For>
          </ul>
        </div>
      </Show>
      <ol class="designer-tabs">
        <For each={draft.tabs}>
          {(tab, ti) => (
            <li
              class="designer-tab"
              classList={{ 'is-over': over() === `tab-${ti()}` }}
              data-testid={`design-tab-${tab.key}`}
              onDragOver={(e) => {
                const d = drag();
                if (d && 'tab' in d) {
                  e.preventDefault();
                  setOver(`tab-${ti()}`);
                }
              }}
              onDrop={(e) => {
                const d = drag();
                setOver(null);
                if (d && 'tab' in d) {
                  e.preventDefault();
                  moveTab(d.tab, ti());
                }
                setDrag(null);
              }}
            >
              <div class="designer-tab-head">
                <span class="grip" draggable={true} title={t('design.dragTab')} onDragStart={(e) => { setDrag({ tab: ti() }); e.dataTransfer?.setData('text/plain', tab.key); }} onDragEnd={() => { setDrag(null); setOver(null); }}>
                  <Icon name="grip" size={14} />
                </span>
                <span class="badge badge-muted">{t(`design.kind.${tab.kind}`)}</span>
                <input
                  class="input input-sm designer-name"
                  aria-label={t('design.tabName')}
                  data-testid="design-tab-name"
                  value={label(tab.label)}
                  onInput={(e) => { const v = e.currentTarget.value; edit((d) => (d.tabs[ti()].label = rename(d.tabs[ti()].label, v))); }}
                />
                <span class="spacer" />
                <button type="button" class="icon-button icon-button-sm" aria-label={t('design.tabLeft', { name: label(tab.label) })} disabled={ti() === 0} onClick={() => moveTab(ti(), ti() - 1)}>
                  <Icon name="up" size={14} />
                </button>
                <button type="button" class="icon-button icon-button-sm" aria-label={t('design.tabRight', { name: label(tab.label) })} disabled={ti() === draft.tabs.length - 1} onClick={() => moveTab(ti(), ti() + 1)}>
                  <Icon name="down" size={14} />
                </button>
                <Show when={tab.kind !== 'fields' || draft.tabs.filter((x) => x.kind === 'fields').length > 1}>
                  <button
                    type="button"
                    class="btn btn-ghost btn-sm"
                    data-testid="design-tab-remove"
                    disabled={tab.kind === 'fields' && tab.sections.some((s) => s.fields.length > 0)}
                    title={tab.kind === 'fields' && tab.sections.some((s) => s.fields.length > 0) ? t('design.emptyFirst') : undefined}
                    onClick={() => edit((d) => d.tabs.splice(ti(), 1))}
                  >
                    {tab.kind === 'related' ? t('design.hide') : t('common.delete')}
                  </button>
                </Show>
              </div>
              <Show when={tab.kind === 'fields'}>
                <div class="designer-sections">
                  <For each={(tab as FieldsTab).sections}>
                    {(sec, si) => (
                      <section
                        class="designer-section"
                        classList={{ 'is-over': over() === `sec-${ti()}-${si()}` }}
                        data-testid={`design-section-${sec.key}`}
                        onDragOver={(e) => {
                          const d = drag();
                          if (d && 'field' in d) {
                            e.preventDefault();
                            setOver(`sec-${ti()}-${si()}`);
                          }
                        }}
                        onDrop={(e) => {
                          const d = drag();
                          setOver(null);
                          if (d && 'field' in d) {
                            e.preventDefault();
                            moveField(d.field, ti(), si(), null);
                          }
                          setDrag(null);
                        }}
                      >
                        <div class="designer-section-head">
                          <input
                            class="input input-sm designer-name"
                            aria-label={t('design.sectionName')}
                            data-testid="design-section-name"
                            value={label(sec.label)}
                            onInput={(e) => { const v = e.currentTarget.value; edit((d) => { const s = (d.tabs[ti()] as FieldsTab).sections[si()]; s.label = rename(s.label, v); }); }}
                          />
                          <select
                            class="select select-sm"
                            aria-label={t('design.columns')}
                            data-testid="design-section-columns"
                            value={String(sec.columns ?? 2)}
                            onChange={(e) => { const v = Number(e.currentTarget.value) as 1 | 2; edit((d) => ((d.tabs[ti()] as FieldsTab).sections[si()].columns = v)); }}
                          >
                            <option value="1" selected={sec.columns === 1}>{t('design.oneColumn')}</option>
                            <option value="2" selected={sec.columns !== 1}>{t('design.twoColumns')}</option>
                          </select>
                          <span class="spacer" />
                          <button
                            type="button"
                            class="btn btn-ghost btn-sm"
                            data-testid="design-section-remove"
                            disabled={(tab as FieldsTab).sections.length <= 1}
                            onClick={() =>
                              edit((d) => {
                                const secs = (d.tabs[ti()] as FieldsTab).sections;
                                const [gone] = secs.splice(si(), 1);
                                secs[Math.max(0, si() - 1)].fields.push(...gone.fields);
                              })
                            }
                          >
                            {t('design.removeSection')}
                          </button>
                        </div>
                        <ul class="designer-fields" classList={{ 'cols-1': sec.columns === 1 }}>
                          <For each={sec.fields}>
                            {(name, fi) => (
                              <li
                                class="designer-field"
                                classList={{ 'is-over': over() === `f-${name}`, 'is-dragging': (drag() as { field?: string } | null)?.field === name }}
                                draggable={true}
                                data-testid={`design-field-${name}`}
                                onDragStart={(e) => { setDrag({ field: name }); e.dataTransfer?.setData('text/plain', name); }}
                                onDragEnd={() => { setDrag(null); setOver(null); }}
                                onDragOver={(e) => {
                                  const d = drag();
                                  if (d && 'field' in d) {
                                    e.preventDefault();
                                    e.stopPropagation();
                                    setOver(`f-${name}`);
                                  }
                                }}
                                onDrop={(e) => {
                                  const d = drag();
                                  setOver(null);
                                  if (d && 'field' in d && d.field !== name) {
                                    e.preventDefault();
                                    e.stopPropagation();
                                    moveField(d.field, ti(), si(), name);
                                  }
                                  setDrag(null);
                                }}
                              >
                                <span class="grip" aria-hidden="true">
                                  <Icon name="grip" size={14} />
                                </span>
                                <span class="designer-field-name">{fieldLabel(props.meta, name)}</span>
                                <button type="button" class="icon-button icon-button-sm" aria-label={t('list.moveUp', { column: fieldLabel(props.meta, name) })} disabled={fi() === 0} onClick={() => nudgeField(name, -1)}>
                                  <Icon name="up" size={12} />
                                </button>
                                <button type="button" class="icon-button icon-button-sm" aria-label={t('list.moveDown', { column: fieldLabel(props.meta, name) })} disabled={fi() === sec.fields.length - 1} onClick={() => nudgeField(name, 1)}>
                                  <Icon name="down" size={12} />
                                </button>
                                <select
                                  class="select select-sm designer-move"
                                  aria-label={t('design.moveTo', { field: fieldLabel(props.meta, name) })}
                                  value=""
                                  onChange={(e) => {
                                    const [a, b] = e.currentTarget.value.split(':').map(Number);
                                    e.currentTarget.value = '';
                                    if (!Number.isNaN(a)) moveField(name, a, b, null);
                                  }}
                                >
                                  <option value="">{t('design.moveToShort')}</option>
                                  <For each={sectionsAll().filter((x) => !(x.ti === ti() && x.si === si()))}>{(x) => <option value={`${x.ti}:${x.si}`}>{x.text}</option>}</For>
                                </select>
                              </li>
                            )}
                          </For>
                          <Show when={sec.fields.length === 0}>
                            <li class="designer-empty muted small">{t('design.dropHere')}</li>
                          </Show>
                        </ul>
                      </section>
                    )}
                  </For>
                  <button
                    type="button"
                    class="btn btn-ghost btn-sm"
                    data-testid="design-add-section"
                    onClick={() => edit((d) => (d.tabs[ti()] as FieldsTab).sections.push({ key: keyOf('s'), label: both(t('design.newSection')), columns: 2, fields: [] }))}
                  >
                    <Icon name="plus" size={14} />
                    {t('design.addSection')}
                  </button>
                </div>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <div class="designer-foot">
        <button
          type="button"
          class="btn btn-sm"
          data-testid="design-add-tab"
          onClick={() => edit((d) => d.tabs.push({ kind: 'fields', key: keyOf('t'), label: both(t('design.newTab')), sections: [{ key: keyOf('s'), label: both(t('design.newSection')), columns: 2, fields: [] }] }))}
        >
          <Icon name="plus" size={14} />
          {t('design.addTab')}
        </button>
        <Show when={!draft.tabs.some((x) => x.kind === 'history')}>
          <button type="button" class="btn btn-sm" data-testid="design-add-history" onClick={() => edit((d) => d.tabs.push({ kind: 'history', key: 'history', label: { en: 'History', 'zh-CN': '变更历史' } }))}>
            <Icon name="plus" size={14} />
            {t('card.tab.history')}
          </button>
        </Show>
        <For each={hiddenRelated()}>
          {(r) => (
            <button type="button" class="btn btn-sm" data-testid={`design-show-${r.key}`} onClick={() => edit((d) => d.tabs.push(JSON.parse(JSON.stringify(r)) as LayoutTab))}>
              <Icon name="plus" size={14} />
              {t('design.showRelated', { name: label(r.label) })}
            </button>
          )}
        </For>
      </div>
    </div>
  );
}
