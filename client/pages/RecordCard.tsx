import { A, useNavigate, useParams } from '@solidjs/router';
import { For, Match, Show, Switch, createEffect, createMemo, createResource, createSignal, createUniqueId, on, onCleanup, type JSX } from 'solid-js';
import { ApiError, type FieldError } from '../api/client';
import { layoutApi, recordsApi } from '../api/endpoints';
import type { FieldMeta, FilterNode, HistoryEntry, LayoutSection, LayoutTab, ObjectMeta, Rec } from '../api/types';
import { CardDesigner } from '../components/CardDesigner';
import { EmploymentTab, NewContactDialog, PictureGallery } from '../components/CardExtras';
import { AddToFolder } from '../components/ListMenus';
import { confirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/Icons';
import { ObjectTable } from '../components/ObjectTable';
import { RecordDrawer } from '../components/RecordDrawer';
import { RecordForm } from '../components/RecordForm';
import { recordTitle } from '../components/RelationSelect';
import { toast } from '../components/Toasts';
import { errorText, fieldErrorText, formatDateTime, formatMoney, formatMoneyByCurrency, formatNumber, hasKey, label, t } from '../i18n';
import { displayValue, fieldOf, getMeta, isNumeric, moneyByCurrency } from '../lib/meta';
import { customObjects } from '../lib/objects';
import { can, dataEpoch, mayEditRecord, me } from '../session';
import { NoAccess } from '../components/NoAccess';
import { createCardDoc, type CollabNotice } from '../collab/cardDoc';
import { PresenceBar, SaveMark } from '../collab/Presence';
import { useSocket, watchRecords } from '../collab/socket';
import { debounce } from '../lib/list';
import { ReminderButton } from '../components/ReminderDialog';
import { OrderPanel } from '../components/sales/OrderPanel';
import { PurchasedProductsTab, ReceivableBalance, StageHistoryTab } from '../components/sales/CustomerSales';
import type { Order } from '../api/sales';
import { behaviourFor } from '../lib/formBehaviours';

/** How long a card waits for its shared doc before it falls back to the plain form. */
const DOC_WAIT_MS = 3000;

/** `/records/:object/:id` — a record as a card with tabs. */
export function RecordCardPage() {
  const params = useParams();
  return (
    <Show when={params.object && params.id ? { object: params.object, id: params.id } : null} keyed>
      {(p) => (
        <Show
          when={can(p.object, 'read')}
          fallback={<NoAccess />}
        >
          <RecordCard object={p.object} id={p.id} />
        </Show>
      )}
    </Show>
  );
}

const customerFilter = (id: string): FilterNode => ({ field: 'customerId', op: 'eq', value: id });

type Tab = { key: string; label: () => string; count?: () => string | null; render: () => JSX.Element };

function RecordCard(props: { object: string; id: string }) {
  const navigate = useNavigate();
  const formId = createUniqueId();
  const [meta] = createResource(() => props.object, getMeta);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [record, { mutate, refetch: refetchRecord }] = createResource(
    () => props.id,
    async (id) => {
      try {
        const r = await recordsApi.get(props.object, id);
        setLoadError(null);
        return r;
      } catch (e) {
        setLoadError(e);
        return undefined;
      }
    },
  );  // The user changed language: relation labels come again in the new one.
  createEffect(on(dataEpoch, () => void refetchRecord(), { defer: true }));

  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [formKey, setFormKey] = createSignal(0);
  const [tab, setTab] = createSignal('details');
  const [historyKey, setHistoryKey] = createSignal(0);

  const isCustomer = () => props.object === 'customer';
  const [layout, { refetch: refetchLayout }] = createResource(
    () => props.object,
    (o) => layoutApi.get(o).catch(() => null),
  );
  const [designing, setDesigning] = createSignal(false);
  const [newContact, setNewContact] = createSignal(false);
  const [contactsVersion, setContactsVersion] = createSignal(0);
  const hasGallery = () => fieldOf(meta(), 'pictures')?.type === 'file';

  // ---------- live co-editing ----------
  const fieldName = (name: string | undefined) => {
    const f = name ? fieldOf(meta(), name) : undefined;
    return f ? label(f.label, f.name) : name ?? '';
  };
  const noticeText = (n: CollabNotice) => {
    const field = fieldName(n.field);
    if (n.code === 'invalid' && n.field && n.fieldCode) return t('collab.notice.invalidField', { field, reason: fieldErrorText({ field: n.field, code: n.fieldCode }, field) });
    const key = `collab.notice.${n.code}${n.field ? 'Field' : ''}`;
    return hasKey(key) ? t(key, { field }) : n.message;
  };
  const me_ = me()!;
  const doc = createCardDoc(props.object, props.id, {
    user: { id: me_.user.id, name: me_.user.employeeName || me_.user.login },
    onNotice: (n) => {
      // Deleted and read-only show as notes on the card (read-only is said on connect, not only after an edit).
      if (n.code === 'deleted' || (n.code === 'readOnly' && !n.field)) return;
      toast(noticeText(n), 'error');
    },
  });
  onCleanup(() => doc.destroy());
  const [docWaitOver, setDocWaitOver] = createSignal(false);
  const waitTimer = setTimeout(() => setDocWaitOver(true), DOC_WAIT_MS);
  onCleanup(() => clearTimeout(waitTimer));
  const [deletedElsewhere, setDeletedElsewhere] = createSignal(false);
  const deleted = () => doc.deleted() || deletedElsewhere();
  /** Typed into the plain form while the doc was not there yet: keep that form until saved. */
  const [formDirty, setFormDirty] = createSignal(false);
  const mode = createMemo<'live' | 'form' | 'waiting'>(() => {
    if (doc.synced() && !deleted() && !formDirty()) return 'live';
    if (docWaitOver() || deleted() || loadError()) return 'form';
    return 'waiting';
  });
  const live = () => mode() === 'live';
  /** The record with the doc's current values over it (the header follows live edits too). */
  const current = createMemo<Rec | undefined>(() => {
    const r = record();
    const m = meta();
    if (!r || !m || !live()) return r;
    const out: Rec = { ...r };
    for (const f of m.fields) if (doc.has(f.name)) out[f.name] = doc.value(f.name);
    return out;
  });
  const title = () => (current() ? recordTitle(current()!, meta()) || '—' : '');
  const mayEdit = () => mayEditRecord(props.object, record()) && !doc.readOnly() && !deleted();

  // Other parts of the card (history, counts, values outside the doc) follow record:changed.
  watchRecords({ object: props.object, id: props.id });
  const refreshSoon = debounce(() => {
    void refetchRecord();
    setHistoryKey((k) => k + 1);
    if (isCustomer()) {
      void refetchCounts();
      void refetchSum();
    }
  }, 300);
  useSocket('record:changed', (c) => {
    if (c.object !== props.object || c.id !== props.id) return;
    if (c.action === 'delete') {
      setDeletedElsewhere(true);
      return;
    }
    // An order's total and its lines are shown together: both come with the refetch.
    if (c.record && props.object !== 'salesOrder') mutate({ ...(record() ?? {}), ...c.record } as Rec);
    refreshSoon();
  });

  /** Live edits need no Save; the button then waits until the server has stored them. */
  const untilSaved = () =>
    new Promise<boolean>((resolve) => {
      if (doc.saved()) return resolve(true);
      const started = Date.now();
      const iv = setInterval(() => {
        if (doc.saved() || Date.now() - started > 10_000) {
          clearInterval(iv);
          resolve(doc.saved());
        }
      }, 100);
    });

  const save = async (values: Record<string, unknown>) => {
    setErrors([]);
    setFormError(null);
    if (Object.keys(values).length === 0) {
      if (!live()) {
        toast(t('card.noChanges'), 'info');
        return;
      }
      setSaving(true);
      const ok = await untilSaved();
      setSaving(false);
      toast(ok ? t('collab.allSaved') : t('collab.notSavedYet'), ok ? 'success' : 'error');
      return;
    }
    setSaving(true);
    try {
      const rec = await recordsApi.update(props.object, props.id, values);
      mutate(rec);
      setFormDirty(false);
      setFormKey(formKey() + 1);
      setHistoryKey(historyKey() + 1);
      toast(t('common.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) setErrors(e.fields);
      setFormError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    const rec = record();
    if (!rec) return;
    const ok = await confirmDialog({ title: t('common.deleteTitle', { name: title() }), body: t('common.deleteBody'), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await recordsApi.remove(props.object, rec.id);
      toast(t('common.deleted'));
      navigate(`/records/${props.object}`);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  // ---------- related counts and totals (customer) ----------
  const countOf = async (object: string, filter: FilterNode) => {
    if (!can(object, 'read')) return null;
    try {
      return (await recordsApi.list(object, { filter, limit: 1 })).total;
    } catch {
      return null;
    }
  };
  const [counts, { refetch: refetchCounts }] = createResource(
    () => (isCustomer() ? props.id : false),
    async (id) => {
      const f = customerFilter(id);
      const [contacts, activities, expenses, business] = await Promise.all([
        countOf('contact', f),
        countOf('activity', f),
        countOf('expense', f),
        Promise.all(customObjects().map(async (o) => [o.name, await countOf(o.name, f)] as const)),
      ]);
      return { contacts, activities, expenses, business: Object.fromEntries(business) as Record<string, number | null> };
    },
  );
  const [expenseSum, { refetch: refetchSum }] = createResource(
    () => (isCustomer() && can('expense', 'read') ? props.id : false),
    async (id) => {
      try {
        const r = await recordsApi.groups('expense', { by: [], measures: ['sum:amount'], filter: customerFilter(id) });
        return moneyByCurrency(r.totals.measures['sum:amount']);
      } catch {
        return null;
      }
    },
  );
  const expenseSumText = () => formatMoneyByCurrency(expenseSum(), formatMoney(0));
  const businessTotal = () => {
    const b = counts()?.business ?? {};
    const vals = Object.values(b).filter((v): v is number => typeof v === 'number');
    return vals.length ? vals.reduce((a, x) => a + x, 0) : null;
  };
  const fmtCount = (n: number | null | undefined) => (n === null || n === undefined ? null : formatNumber(n));

  /** Tabs from the card layout (GET …/layout); the built-in arrangement while it loads or if it fails. */
  const tabs = createMemo<Tab[]>(() => {
    const l = layout();
    return withSalesTabs(l ? layoutTabs(l.layout.tabs) : builtinTabs());
  });

  // ---------- sales ----------
  /** The customer's purchased products (from its orders' lines) and its receivable balance. */
  // Declarations, not consts: the tabs memo above runs before this point.
  function purchasedTab(): Tab {
    return { key: 'purchased', label: () => t('customerSales.purchasedTab'), render: () => <PurchasedProductsTab customerId={props.id} /> };
  }
  function receivablesTab(labelText?: () => string): Tab {
    return {
      key: 'receivables',
      label: labelText ?? (() => t('customerSales.receivablesTab')),
      render: () => (
        <div class="stack">
          <ReceivableBalance customerId={props.id} />
          <Related object="receivable" filter={customerFilter(props.id)} testid="card-receivables" />
        </div>
      ),
    };
  }
  /** An opportunity's card tells how long it stayed in each stage; it follows the card's changes. */
  function withSalesTabs(list: Tab[]): Tab[] {
    if (props.object === 'opportunity' && can('opportunity', 'read')) {
      const stages: Tab = { key: 'stages', label: () => t('stageHistory.tab'), render: () => <StageHistoryTab opportunityId={props.id} version={historyKey()} /> };
      return [list[0], stages, ...list.slice(1)].filter(Boolean);
    }
    if (!isCustomer() || list.some((x) => x.key === 'purchased')) return list;
    // Cards designed before sales existed still offer its tabs.
    const extra: Tab[] = [];
    if (can('salesOrder', 'read')) extra.push(purchasedTab());
    if (can('receivable', 'read') && !list.some((x) => x.key === 'receivables')) extra.push(receivablesTab());
    const at = list.findIndex((x) => x.key === 'history');
    return at < 0 ? [...list, ...extra] : [...list.slice(0, at), ...extra, ...list.slice(at)];
  }

  function relatedFilter(via: string): FilterNode {
    return { field: via, op: 'eq', value: props.id };
  }
  function layoutTabs(items: LayoutTab[]): Tab[] {
    const list: Tab[] = [];
    let business = false;
    let firstFields = true;
    for (const tab of items) {
      if (tab.kind === 'fields') {
        const key = firstFields ? 'details' : tab.key;
        const gallery = firstFields && hasGallery();
        firstFields = false;
        list.push({ key, label: () => label(tab.label), render: () => details(tab.sections, key, gallery) });
        continue;
      }
      if (tab.kind === 'history') {
        list.push({ key: 'history', label: () => label(tab.label), render: () => <HistoryTab object={props.object} id={props.id} meta={meta()!} record={record()!} version={historyKey()} /> });
        continue;
      }
      if (!can(tab.object, 'read')) continue;
      if (isCustomer() && tab.object === 'contactEmployment' && tab.via === 'customerId' && can('contact', 'read')) {
        list.push({
          key: 'contacts',
          label: () => t('card.tab.contacts'),
          count: () => fmtCount(counts()?.contacts),
          render: () => (
            <div class="stack">
              <Show when={can('contact', 'create') && can('contactEmployment', 'create')}>
                <div class="related-actions">
                  <button type="button" class="btn btn-sm" data-testid="card-new-contact" onClick={() => setNewContact(true)}>
                    <Icon name="plus" size={14} />
                    {t('employment.newContactButton')}
                  </button>
                </div>
              </Show>
              <Show when={String(contactsVersion())} keyed>
                <Related object="contact" filter={customerFilter(props.id)} testid="card-contacts" />
              </Show>
            </div>
          ),
        });
        continue;
      }
      if (props.object === 'contact' && tab.object === 'contactEmployment' && tab.via === 'contactId') {
        list.push({ key: 'employment', label: () => label(tab.label), render: () => <EmploymentTab contact={record()!} onMoved={() => void refetchRecord()} /> });
        continue;
      }
      if (isCustomer() && tab.via === 'customerId' && tab.object === 'activity') {
        list.push({ key: 'activities', label: () => label(tab.label), count: () => fmtCount(counts()?.activities), render: () => <ActivitiesTab customerId={props.id} customerLabel={title()} onLogged={() => void refetchCounts()} /> });
        continue;
      }
      // An order's lines are edited in the order panel above the tabs.
      if (props.object === 'salesOrder' && tab.object === 'salesOrderLine') continue;
      if (isCustomer() && tab.via === 'customerId' && tab.object === 'salesOrderLine') {
        if (can('salesOrder', 'read')) list.push({ ...purchasedTab(), label: () => t('customerSales.purchasedTab') });
        continue;
      }
      if (isCustomer() && tab.via === 'customerId' && tab.object === 'receivable') {
        list.push(receivablesTab(() => label(tab.label)));
        continue;
      }
      if (isCustomer() && tab.via === 'customerId' && tab.object === 'expense') {
        const b = builtinTabs().find((x) => x.key === 'expenses');
        if (b) list.push({ ...b, label: () => label(tab.label) });
        continue;
      }
      if (isCustomer() && tab.via === 'customerId' && customObjects().some((o) => o.name === tab.object)) {
        if (!business) {
          const b = builtinTabs().find((x) => x.key === 'business');
          if (b) list.push(b);
        }
        business = true;
        continue;
      }
      const cols = tab.columns;
      list.push({
        key: tab.key,
        label: () => label(tab.label),
        render: () => (
          <Related object={tab.object} filter={relatedFilter(tab.via)} columns={cols} via={tab.via} defaults={{ [tab.via]: props.id, _labels: { [tab.via]: title() } }} testid={`card-related-${tab.key}`} />
        ),
      });
    }
    return list;
  }

  function builtinTabs(): Tab[] {
    const list: Tab[] = [{ key: 'details', label: () => t('card.tab.details'), render: () => details(undefined, 'details', hasGallery()) }];
    list.push({ key: 'history', label: () => t('card.tab.history'), render: () => <HistoryTab object={props.object} id={props.id} meta={meta()!} record={record()!} version={historyKey()} /> });
    if (isCustomer()) {
      if (can('contact', 'read'))
        list.push({ key: 'contacts', label: () => t('card.tab.contacts'), count: () => fmtCount(counts()?.contacts), render: () => <Related object="contact" filter={customerFilter(props.id)} testid="card-contacts" /> });
      if (can('activity', 'read'))
        list.push({
          key: 'activities',
          label: () => t('card.tab.activities'),
          count: () => fmtCount(counts()?.activities),
          render: () => <ActivitiesTab customerId={props.id} customerLabel={title()} onLogged={() => void refetchCounts()} />,
        });
      if (customObjects().length > 0)
        list.push({
          key: 'business',
          label: () => t('card.tab.business'),
          count: () => fmtCount(businessTotal()),
          render: () => (
            <div class="stack-lg">
              <For each={customObjects()}>
                {(o) => (
                  <section>
                    <h3 class="section-title">
                      {label(o.pluralLabel, o.name)} <span class="badge badge-muted">{fmtCount(counts()?.business[o.name]) ?? '…'}</span>
                    </h3>
                    <Related
                      object={o.name}
                      filter={customerFilter(props.id)}
                      defaults={{ customerId: props.id, _labels: { customerId: title() } }}
                      onChanged={() => void refetchCounts()}
                      testid={`card-business-${o.name}`}
                    />
                  </section>
                )}
              </For>
            </div>
          ),
        });
      if (can('expense', 'read'))
        list.push({
          key: 'expenses',
          label: () => t('card.tab.expenses'),
          count: () => fmtCount(counts()?.expenses),
          render: () => (
            <div class="stack">
              <div class="card-total" data-testid="expense-sum">
                <span class="muted">{t('card.expenseSum')}</span> <strong>{expenseSumText()}</strong>
              </div>
              <Related
                object="expense"
                filter={customerFilter(props.id)}
                defaults={{ customerId: props.id, _labels: { customerId: title() } }}
                onChanged={() => {
                  void refetchCounts();
                  void refetchSum();
                }}
                testid="card-expenses"
              />
            </div>
          ),
        });
    }
    return list;
  }

  const onTabKey = (e: KeyboardEvent) => {
    const keys = tabs().map((x) => x.key);
    const i = keys.indexOf(tab());
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % keys.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + keys.length) % keys.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = keys.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setTab(keys[next]);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-testid="card-tab-${keys[next]}"]`)?.focus();
  };

  const details = (sections: LayoutSection[] | undefined, key: string, gallery: boolean) => (
    <div class="card-details">
      <Show when={gallery}>
        <PictureGallery object={props.object} record={record()!} disabled={!mayEdit() || !fieldOf(meta(), 'pictures')?.editable} onChange={(rec) => { mutate(rec); setHistoryKey(historyKey() + 1); }} />
      </Show>
      <Show when={formError()}>
        <div class="form-alert" role="alert" data-testid="card-error">
          {formError()}
        </div>
      </Show>
      <Show when={deleted()}>
        <div class="form-alert" role="alert" data-testid="card-deleted">
          {t('collab.deleted')}
        </div>
      </Show>
      <Show when={!mayEdit() && !deleted()}>
        <div class="form-info record-note" role="note" data-testid="card-read-only">
          {doc.readOnly() && mayEditRecord(props.object, record()) ? t('collab.readOnlyConnection') : t('record.readOnlyNote')}
        </div>
      </Show>
      <Show when={live() && doc.status() !== 'connected' && !deleted()}>
        <div class="form-info record-note" role="status" data-testid="card-offline">
          {t('collab.offline')}
        </div>
      </Show>
      <Show when={mode() === 'waiting'}>
        <div class="form-skeleton" aria-busy="true">
          <span class="skeleton" />
          <span class="skeleton" />
          <span class="skeleton" />
        </div>
      </Show>
      <Show when={mode() !== 'waiting' && `${formKey()}:${mode()}`} keyed>
        {(_k) => (
          <div onInput={() => mode() === 'form' && !deleted() && setFormDirty(true)}>
            <RecordForm
              meta={meta()!}
              record={record()!}
              errors={errors()}
              formId={`${formId}-${key}`}
              disabled={!mayEdit()}
              sections={sections}
              hidden={gallery ? ['pictures'] : undefined}
              live={live() ? doc : undefined}
              behaviour={behaviourFor(props.object)}
              onSubmit={save}
            />
          </div>
        )}
      </Show>
      <Show when={mayEdit() && mode() !== 'waiting'}>
        <div class="card-actions">
          <Show when={live()}>
            <SaveMark saved={doc.saved()} online={doc.status() === 'connected'} />
          </Show>
          <button type="button" class="btn" onClick={() => { setErrors([]); setFormError(null); setFormDirty(false); setFormKey(formKey() + 1); }}>
            {t('common.reset')}
          </button>
          <button type="submit" form={`${formId}-${key}`} class="btn btn-primary" data-testid="form-save" disabled={saving()}>
            {saving() ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </Show>
      <p class="record-meta muted">
        {t('common.createdAt')}: {formatDateTime(record()!.createdAt)} · {t('common.updatedAt')}: {formatDateTime(record()!.updatedAt)}
      </p>
    </div>
  );

  /** A few key values shown under the title. */
  const summary = createMemo(() => {
    const m = meta();
    const r = current();
    if (!m || !r) return [];
    return m.listColumns
      .filter((c) => c !== m.titleField)
      .map((c) => ({ name: c, field: fieldOf(m, c), text: displayValue(fieldOf(m, c), r, c) }))
      .filter((x) => x.text)
      .slice(0, 6);
  });

  return (
    <div class="page" data-testid="record-card">
      <nav class="breadcrumbs" aria-label={t('card.breadcrumbs')}>
        <A href={`/records/${props.object}`} class="back-link" data-testid="back-to-list">
          <Icon name="arrowLeft" size={16} />
          {meta() ? label(meta()!.pluralLabel) : t('common.back')}
        </A>
      </nav>
      <Show when={loadError()}>
        <div class="panel empty-state large" role="alert" data-testid="card-load-error">
          <p>{loadError() instanceof ApiError && (loadError() as ApiError).code === 'not_found' ? t('record.notFound') : errorText(loadError())}</p>
          <A href={`/records/${props.object}`} class="btn">
            {t('card.backToList')}
          </A>
        </div>
      </Show>
      <Show when={meta() && record()} fallback={<Show when={!loadError()}><div class="panel"><div class="form-skeleton"><span class="skeleton" /><span class="skeleton" /><span class="skeleton" /></div></div></Show>}>
        <header class="card-header">
          <div>
            <div class="card-kind muted small">{label(meta()!.label)}</div>
            <h1 class="page-title" data-testid="card-title">
              {title()}
            </h1>
            <Show when={summary().length}>
              <dl class="card-summary">
                <For each={summary()}>
                  {(s) => (
                    <div>
                      <dt>{s.field ? label(s.field.label, s.name) : s.name}</dt>
                      <dd>{s.text}</dd>
                    </div>
                  )}
                </For>
                <Show when={isCustomer() && can('expense', 'read')}>
                  <div>
                    <dt>{t('card.expenseSum')}</dt>
                    <dd data-testid="card-expense-total">{expenseSumText()}</dd>
                  </div>
                </Show>
              </dl>
            </Show>
          </div>
          <div class="page-actions">
            <Show when={live()}>
              <PresenceBar peers={doc.peers()} />
            </Show>
            <Show when={!deleted()}>
              <ReminderButton link={`/records/${props.object}/${props.id}`} subject={title()} />
            </Show>
            <A href={`/records/${props.object}`} class="btn" data-testid="card-to-list">
              {t('card.toList')}
            </A>
            <AddToFolder object={props.object} ids={() => [props.id]} buttonClass="btn" testid="card-add-to-folder" />
            <Show when={me()?.isAdmin && layout()}>
              <button type="button" class="btn" data-testid="design-card" aria-pressed={designing()} onClick={() => setDesigning(!designing())}>
                {t('design.button')}
              </button>
            </Show>
            <Show when={can(props.object, 'delete') && !deleted()}>
              <button type="button" class="btn btn-danger-ghost" data-testid="form-delete" onClick={remove}>
                {t('common.delete')}
              </button>
            </Show>
          </div>
        </header>
        <Show when={designing() && layout()}>
          <section class="panel card-panel">
            <CardDesigner
              meta={meta()!}
              layout={layout()!.layout}
              onCancel={() => setDesigning(false)}
              onSaved={() => {
                setDesigning(false);
                void refetchLayout();
              }}
            />
          </section>
        </Show>
        <Show when={isCustomer() && record()}>
          <NewContactDialog
            open={newContact()}
            customer={record()!}
            customerLabel={title()}
            onClose={() => setNewContact(false)}
            onCreated={() => {
              setContactsVersion(contactsVersion() + 1);
              void refetchCounts();
            }}
          />
        </Show>
        <Show when={props.object === 'salesOrder' && !designing() && !deleted()}>
          <OrderPanel
            order={record() as Order}
            editable={mayEdit()}
            onOrder={(o) => {
              mutate(o);
              setHistoryKey((k) => k + 1);
            }}
            onRefresh={() => void refetchRecord()}
          />
        </Show>
        <section class="panel card-panel" classList={{ 'is-hidden': designing() }}>
          <div class="tabs" role="tablist" aria-label={t('card.tabs')} onKeyDown={onTabKey}>
            <For each={tabs()}>
              {(x) => (
                <button
                  type="button"
                  role="tab"
                  id={`tab-${x.key}`}
                  class="tab"
                  classList={{ 'is-active': tab() === x.key }}
                  aria-selected={tab() === x.key}
                  aria-controls={`panel-${x.key}`}
                  tabIndex={tab() === x.key ? 0 : -1}
                  data-testid={`card-tab-${x.key}`}
                  onClick={() => setTab(x.key)}
                >
                  {x.label()}
                  <Show when={x.count?.()}>
                    <span class="tab-count">{x.count!()}</span>
                  </Show>
                </button>
              )}
            </For>
          </div>
          <For each={tabs()}>
            {(x) => (
              <Show when={tab() === x.key}>
                <div role="tabpanel" id={`panel-${x.key}`} aria-labelledby={`tab-${x.key}`} class="tab-panel" data-testid={`card-panel-${x.key}`}>
                  {x.render()}
                </div>
              </Show>
            )}
          </For>
        </section>
      </Show>
    </div>
  );
}

/** Records of another object pointing at this one, opening their own cards. */
function Related(props: { object: string; filter: FilterNode; defaults?: Record<string, unknown>; onChanged?: () => void; testid?: string; columns?: string[]; via?: string }) {
  const navigate = useNavigate();
  const [meta] = createResource(() => props.object, (o) => getMeta(o).catch(() => undefined));
  const [creating, setCreating] = createSignal<null | undefined>(undefined);
  let table: { refetch: () => void } | undefined;
  return (
    <div class="related">
      <Show when={meta()} fallback={<span class="skeleton" />}>
        <Show when={props.defaults && can(props.object, 'create')}>
          <div class="related-actions">
            <button type="button" class="btn btn-sm" data-testid={`${props.testid}-new`} onClick={() => setCreating(null)}>
              <Icon name="plus" size={14} />
              {t('record.new', { object: label(meta()!.label) })}
            </button>
            <A class="btn btn-sm btn-ghost" href={`/records/${props.object}?filter=${encodeURIComponent(JSON.stringify(props.filter))}`}>
              {t('card.openAsList')}
            </A>
          </div>
        </Show>
        <ObjectTable
          meta={meta()!}
          filter={props.filter}
          columns={(props.columns?.length ? props.columns : meta()!.listColumns).filter((c) => c !== (props.via ?? 'customerId'))}
          initialLimit={10}
          onOpen={(r) => navigate(`/records/${props.object}/${r.id}`)}
          controller={(c) => (table = c)}
          testid={props.testid}
        />
        <RecordDrawer
          object={props.object}
          recordId={creating()}
          defaults={props.defaults}
          onClose={() => setCreating(undefined)}
          onSaved={() => {
            table?.refetch();
            props.onChanged?.();
          }}
        />
      </Show>
    </div>
  );
}

/** The customer's activities, newest first, with a quick "log a call/visit" form. */
function ActivitiesTab(props: { customerId: string; customerLabel: string; onLogged: () => void }) {
  const navigate = useNavigate();
  const [meta] = createResource(() => 'activity', getMeta);
  const [type, setType] = createSignal('call');
  const [subject, setSubject] = createSignal('');
  const [content, setContent] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  let table: { refetch: () => void } | undefined;
  const typeField = () => fieldOf(meta(), 'type');
  const typeLabel = (v: string) => label(typeField()?.options?.find((o) => o.value === v)?.label, v);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      await recordsApi.create('activity', {
        type: type(),
        subject: subject().trim() || t('card.activityDefaultSubject', { type: typeLabel(type()) }),
        content: content().trim() || undefined,
        at: new Date().toISOString(),
        customerId: props.customerId,
      });
      setSubject('');
      setContent('');
      toast(t('card.activityLogged'));
      table?.refetch();
      props.onLogged();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const errFor = (name: string) => errors().filter((x) => x.field === name);

  return (
    <div class="stack">
      <Show when={can('activity', 'create')}>
        <form class="quick-log" onSubmit={submit} data-testid="quick-log">
          <h3 class="section-title">{t('card.logActivity')}</h3>
          <Show when={error()}>
            <div class="form-alert" role="alert">
              {error()}
            </div>
          </Show>
          <div class="quick-log-row">
            <div class="segmented" role="radiogroup" aria-label={t('card.activityType')}>
              <For each={['call', 'visit', 'followUp', 'meeting']}>
                {(v) => (
                  <button type="button" role="radio" aria-checked={type() === v} class="segment" classList={{ 'is-active': type() === v }} data-testid={`quick-log-${v}`} onClick={() => setType(v)}>
                    {typeLabel(v)}
                  </button>
                )}
              </For>
            </div>
            <input
              class="input"
              aria-label={t('card.activitySubject')}
              placeholder={t('card.activitySubject')}
              maxLength={200}
              value={subject()}
              data-testid="quick-log-subject"
              aria-invalid={errFor('subject').length ? 'true' : undefined}
              onInput={(e) => setSubject(e.currentTarget.value)}
            />
          </div>
          <textarea
            class="textarea"
            rows={2}
            aria-label={t('card.activityContent')}
            placeholder={t('card.activityContent')}
            value={content()}
            data-testid="quick-log-content"
            onInput={(e) => setContent(e.currentTarget.value)}
          />
          <div class="quick-log-actions">
            <button type="submit" class="btn btn-primary btn-sm" disabled={busy()} data-testid="quick-log-submit">
              {busy() ? t('common.saving') : t('card.logIt')}
            </button>
          </div>
        </form>
      </Show>
      <Show when={meta()}>
        <ObjectTable
          meta={meta()!}
          filter={customerFilter(props.customerId)}
          columns={meta()!.listColumns.filter((c) => c !== 'customerId')}
          initialLimit={10}
          onOpen={(r) => navigate(`/records/activity/${r.id}`)}
          controller={(c) => (table = c)}
          testid="card-activities"
        />
      </Show>
    </div>
  );
}

/** Tracked-field changes as a timeline, with a small line chart per numeric field. */
function HistoryTab(props: { object: string; id: string; meta: ObjectMeta; record: Rec; version: number }) {
  const [data] = createResource(
    () => ({ id: props.id, v: props.version }),
    async (k) => {
      try {
        return { items: (await recordsApi.history(props.object, k.id)).items, error: null as unknown };
      } catch (e) {
        return { items: [] as HistoryEntry[], error: e };
      }
    },
  );
  const items = () => data.latest?.items ?? [];
  const tracked = () => props.meta.fields.filter((f) => f.tracked);
  const fmt = (f: FieldMeta | undefined, v: unknown) => {
    if (v === null || v === undefined || v === '') return t('history.empty');
    if (f?.type === 'relation') return String(v);
    return displayValue(f, { id: '', createdAt: '', updatedAt: '', [f?.name ?? 'x']: v } as Rec, f?.name ?? 'x') || String(v);
  };
  const numericSeries = createMemo(() =>
    tracked()
      .filter((f) => isNumeric(f))
      .map((f) => {
        const entries = items()
          .filter((e) => e.field === f.name)
          .slice()
          .reverse();
        const pts: { at: string; v: number }[] = [];
        if (entries.length && entries[0].old !== null && entries[0].old !== undefined && entries[0].old !== '')
          pts.push({ at: props.record.createdAt, v: Number(entries[0].old) });
        for (const e of entries) if (e.new !== null && e.new !== undefined && e.new !== '') pts.push({ at: e.at, v: Number(e.new) });
        return { field: f, points: pts.filter((p) => !Number.isNaN(p.v)) };
      })
      .filter((s) => s.points.length >= 2),
  );
  const channelText = (c: string) => {
    const key = `channel.${c}`;
    return hasKey(key) ? t(key) : c;
  };

  return (
    <div class="stack" data-testid="history">
      <Show when={data.latest?.error}>
        <div class="form-alert" role="alert">
          {errorText(data.latest!.error)}
        </div>
      </Show>
      <Show when={tracked().length > 0}>
        <p class="muted small">{t('history.trackedFields', { fields: tracked().map((f) => label(f.label, f.name)).join(t('common.listSep')) })}</p>
      </Show>
      <Show when={numericSeries().length > 0}>
        <div class="spark-grid">
          <For each={numericSeries()}>{(s) => <Sparkline field={s.field} points={s.points} />}</For>
        </div>
      </Show>
      <Switch>
        <Match when={data.loading && !data.latest}>
          <div class="form-skeleton">
            <span class="skeleton" />
            <span class="skeleton" />
          </div>
        </Match>
        <Match when={items().length === 0}>
          <div class="empty-state" role="status">
            {tracked().length ? t('history.none') : t('history.noTracked')}
          </div>
        </Match>
        <Match when={true}>
          <ol class="timeline">
            <For each={items()}>
              {(e) => {
                const f = fieldOf(props.meta, e.field);
                return (
                  <li class="timeline-item" data-testid="history-entry">
                    <span class="timeline-dot" aria-hidden="true" />
                    <div class="timeline-head">
                      <strong>{f ? label(f.label, f.name) : e.field}</strong>
                      <span class="muted small">
                        {formatDateTime(e.at)} · {e.userLogin ?? t('history.system')} · {channelText(e.channel)}
                      </span>
                    </div>
                    <div class="timeline-change">
                      <span class="change-old">{fmt(f, e.old)}</span>
                      <span class="change-arrow" aria-label={t('history.changedTo')}>
                        →
                      </span>
                      <span class="change-new">{fmt(f, e.new)}</span>
                    </div>
                  </li>
                );
              }}
            </For>
          </ol>
        </Match>
      </Switch>
    </div>
  );
}

/** A tiny inline SVG line chart of a numeric field's values over time. */
function Sparkline(props: { field: FieldMeta; points: { at: string; v: number }[] }) {
  const W = 320;
  const H = 90;
  const P = 8;
  const fmt = (v: number) => (props.field.type === 'money' ? formatMoney(v) : formatNumber(v));
  const geo = createMemo(() => {
    const pts = props.points;
    const times = pts.map((p) => new Date(p.at).getTime());
    const t0 = Math.min(...times);
    const t1 = Math.max(...times);
    const lo = Math.min(...pts.map((p) => p.v));
    const hi = Math.max(...pts.map((p) => p.v));
    const x = (i: number) => (t1 === t0 ? P + (i / Math.max(1, pts.length - 1)) * (W - 2 * P) : P + ((times[i] - t0) / (t1 - t0)) * (W - 2 * P));
    const y = (v: number) => (hi === lo ? H / 2 : H - P - ((v - lo) / (hi - lo)) * (H - 2 * P));
    return { xy: pts.map((p, i) => ({ x: x(i), y: y(p.v), p })), lo, hi };
  });
  const path = () => geo().xy.map((q, i) => `${i ? 'L' : 'M'}${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(' ');
  const area = () => `${path()} L${geo().xy[geo().xy.length - 1].x.toFixed(1)},${H} L${geo().xy[0].x.toFixed(1)},${H} Z`;
  return (
    <figure class="spark" data-testid={`history-chart-${props.field.name}`}>
      <figcaption>
        <strong>{label(props.field.label, props.field.name)}</strong>
        <span class="muted small">
          {t('history.range', { min: fmt(geo().lo), max: fmt(geo().hi) })}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={t('history.chartLabel', { field: label(props.field.label, props.field.name), count: props.points.length })}>
        <line x1={P} x2={W - P} y1={H - P} y2={H - P} class="spark-axis" />
        <path d={area()} class="spark-area" />
        <path d={path()} class="spark-line" />
        <For each={geo().xy}>
          {(q) => (
            <circle cx={q.x} cy={q.y} r="3" class="spark-dot">
              <title>{`${formatDateTime(q.p.at)}: ${fmt(q.p.v)}`}</title>
            </circle>
          )}
        </For>
      </svg>
      <div class="spark-foot muted small">
        <span>{formatDateTime(props.points[0].at)}</span>
        <span>{fmt(props.points[props.points.length - 1].v)}</span>
      </div>
    </figure>
  );
}
