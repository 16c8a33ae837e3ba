import { For, Show, createResource, createSignal, createUniqueId } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { ApiError, type FieldError } from '../../api/client';
import { recordsApi } from '../../api/endpoints';
import { salesApi } from '../../api/sales';
import { confirmDialog } from '../../components/ConfirmDialog';
import { errorsFor } from '../../components/FormField';
import { Icon } from '../../components/Icons';
import { PageHeader } from '../../components/Shell';
import { toast } from '../../components/Toasts';
import { useSocket, watchRecords } from '../../collab/socket';
import { errorText, fieldErrorText, formatNumber, t } from '../../i18n';
import { debounce } from '../../lib/list';
import { loadStages, stageName, type Stage } from '../../lib/sales';
import { can } from '../../session';

/** `/system/sales-stages` — the pipeline's stages: rename in both languages, reorder, add, retire, win probability. */
export function StagesPage() {
  const [stages, setStages] = createStore<Stage[]>([]);
  // Only the latest load lands, and none while a reorder is on its way: an older answer must not
  // put back an order the user has just changed.
  let loadSeq = 0;
  let reordering = 0;
  const [loaded, { refetch }] = createResource(async () => {
    const mine = ++loadSeq;
    try {
      const list = await loadStages();
      if (mine === loadSeq && reordering === 0) setStages(reconcile(list, { key: 'id' }));
      return { error: null as unknown };
    } catch (e) {
      return { error: e };
    }
  });
  const [errors, setErrors] = createStore<Record<string, FieldError[]>>({});
  const [dragId, setDragId] = createSignal<string | null>(null);
  const [overId, setOverId] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const mayEdit = () => can('salesStage', 'edit');

  // Someone else changed the stages: show it (the rows keep their identity, so a field being typed into stays).
  watchRecords({ object: 'salesStage' });
  const refreshSoon = debounce(() => void refetch(), 250);
  useSocket('record:changed', (c) => {
    if (c.object === 'salesStage') refreshSoon();
  });

  /** Saves one field of one stage; the server's answer (or its field error) shows on the row. */
  const saveField = async (s: Stage, field: 'name' | 'nameEn' | 'probability' | 'active', value: unknown) => {
    setErrors(s.id, []);
    try {
      await recordsApi.update('salesStage', s.id, { [field]: value });
      await refetch();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) setErrors(s.id, e.fields);
      else toast(errorText(e), 'error');
    }
  };

  const reorder = async (ids: string[]) => {
    const before = stages.map((s) => s.id);
    if (ids.join() === before.join()) return;
    setBusy(true);
    reordering++;
    // Shown at once; put back if the server says no.
    setStages(reconcile(ids.map((id) => stages.find((s) => s.id === id)!), { key: 'id' }));
    try {
      await salesApi.reorderStages(ids);
      toast(t('stages.reordered'));
    } catch (e) {
      setStages(reconcile(before.map((id) => stages.find((s) => s.id === id)!), { key: 'id' }));
      toast(errorText(e), 'error');
    } finally {
      reordering--;
      setBusy(false);
      void refetch();
    }
  };
  const move = (id: string, delta: number) => {
    const ids = stages.map((s) => s.id);
    const i = ids.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    void reorder(ids).then(() => document.querySelector<HTMLElement>(`[data-testid="stage-${delta < 0 ? 'up' : 'down'}-${id}"]`)?.focus());
  };
  const dropOn = (targetId: string) => {
    const from = dragId();
    setDragId(null);
    setOverId(null);
    if (!from || from === targetId) return;
    const ids = stages.map((s) => s.id).filter((id) => id !== from);
    ids.splice(ids.indexOf(targetId) + (stages.findIndex((s) => s.id === from) < stages.findIndex((s) => s.id === targetId) ? 1 : 0), 0, from);
    void reorder(ids);
  };

  const remove = async (s: Stage) => {
    const ok = await confirmDialog({ title: t('common.deleteTitle', { name: stageName(s) }), body: t('stages.deleteBody'), confirmLabel: t('common.delete'), danger: true });
    if (!ok) return;
    try {
      await recordsApi.remove('salesStage', s.id);
      toast(t('common.deleted'));
      await refetch();
    } catch (e) {
      toast(e instanceof ApiError && e.code === 'conflict' ? t('stages.inUse') : errorText(e), 'error');
    }
  };

  const err = (id: string, field: string) => errorsFor(errors[id] ?? [], field);
  const errText = (id: string, field: string) =>
    err(id, field)
      .map((e) => fieldErrorText(e))
      .join(' ');

  return (
    <div class="page" data-testid="sales-stages">
      <PageHeader title={t('stages.title')} subtitle={t('stages.subtitle')} />
      <section class="panel">
        <Show when={loaded()?.error}>
          <div class="form-alert" role="alert">
            {errorText(loaded()!.error)}
          </div>
        </Show>
        <Show when={!mayEdit()}>
          <div class="form-info record-note" role="note">
            {t('record.readOnlyNote')}
          </div>
        </Show>
        <div class="table-scroll">
          <table class="table stage-table" aria-busy={loaded.loading || busy()}>
            <thead>
              <tr>
                <th scope="col" class="stage-order-col">
                  {t('stages.order')}
                </th>
                <th scope="col">{t('stages.nameZh')}</th>
                <th scope="col">{t('stages.nameEn')}</th>
                <th scope="col" class="align-right">
                  {t('stages.probability')}
                </th>
                <th scope="col">{t('stages.active')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={stages}>
                {(s, i) => (
                  <tr
                    data-testid={`stage-row-${s.code ?? s.id}`}
                    data-stage-id={s.id}
                    classList={{ 'is-retired': !s.active, 'is-drop-target': overId() === s.id && dragId() !== s.id, 'is-dragging': dragId() === s.id }}
                    onDragOver={(e) => {
                      if (!dragId()) return;
                      e.preventDefault();
                      setOverId(s.id);
                    }}
                    onDrop={(e) => {
                      e.preventDefault();
                      dropOn(s.id);
                    }}
                  >
                    <td class="stage-order-col">
                      <span class="stage-order">
                        <Show when={mayEdit()}>
                          <span
                            class="grip"
                            draggable={true}
                            title={t('stages.drag')}
                            aria-hidden="true"
                            onDragStart={(e) => {
                              setDragId(s.id);
                              e.dataTransfer?.setData('text/plain', s.id);
                              if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
                            }}
                            onDragEnd={() => {
                              setDragId(null);
                              setOverId(null);
                            }}
                          >
                            <Icon name="grip" size={16} />
                          </span>
                        </Show>
                        <span class="muted">{formatNumber(i() + 1)}</span>
                      </span>
                    </td>
                    <td>
                      <input
                        class="input input-sm"
                        aria-label={t('stages.nameZhOf', { n: i() + 1 })}
                        value={s.name}
                        maxLength={100}
                        disabled={!mayEdit()}
                        data-testid={`stage-name-${s.code ?? s.id}`}
                        aria-invalid={err(s.id, 'name').length ? 'true' : undefined}
                        onChange={(e) => void saveField(s, 'name', e.currentTarget.value.trim())}
                      />
                      <Show when={err(s.id, 'name').length}>
                        <div class="field-error">{errText(s.id, 'name')}</div>
                      </Show>
                    </td>
                    <td>
                      <input
                        class="input input-sm"
                        aria-label={t('stages.nameEnOf', { n: i() + 1 })}
                        value={s.nameEn ?? ''}
                        maxLength={100}
                        disabled={!mayEdit()}
                        data-testid={`stage-name-en-${s.code ?? s.id}`}
                        aria-invalid={err(s.id, 'nameEn').length ? 'true' : undefined}
                        onChange={(e) => void saveField(s, 'nameEn', e.currentTarget.value.trim() || null)}
                      />
                      <Show when={err(s.id, 'nameEn').length}>
                        <div class="field-error">{errText(s.id, 'nameEn')}</div>
                      </Show>
                    </td>
                    <td class="align-right">
                      <span class="percent-input">
                        <input
                          class="input input-sm align-right"
                          type="number"
                          inputmode="decimal"
                          min="0"
                          max="100"
                          step="any"
                          aria-label={t('stages.probabilityOf', { name: stageName(s) })}
                          value={s.probability}
                          disabled={!mayEdit()}
                          data-testid={`stage-probability-${s.code ?? s.id}`}
                          aria-invalid={err(s.id, 'probability').length ? 'true' : undefined}
                          onChange={(e) => {
                            const raw = e.currentTarget.value.trim();
                            void saveField(s, 'probability', raw === '' ? null : Number(raw));
                          }}
                        />
                        <span aria-hidden="true">%</span>
                      </span>
                      <Show when={err(s.id, 'probability').length}>
                        <div class="field-error">{errText(s.id, 'probability')}</div>
                      </Show>
                    </td>
                    <td>
                      <label class="checkbox">
                        <input
                          type="checkbox"
                          checked={s.active}
                          disabled={!mayEdit()}
                          data-testid={`stage-active-${s.code ?? s.id}`}
                          onChange={(e) => void saveField(s, 'active', e.currentTarget.checked)}
                        />
                        <span>{s.active ? t('stages.inUseLabel') : t('stages.retired')}</span>
                      </label>
                    </td>
                    <td class="nowrap">
                      <span class="row-actions">
                      <Show when={mayEdit()}>
                        <button type="button" class="icon-button icon-button-sm" aria-label={t('stages.moveUp', { name: stageName(s) })} data-testid={`stage-up-${s.id}`} disabled={i() === 0 || busy()} onClick={() => move(s.id, -1)}>
                          <Icon name="up" size={16} />
                        </button>
                        <button
                          type="button"
                          class="icon-button icon-button-sm"
                          aria-label={t('stages.moveDown', { name: stageName(s) })}
                          data-testid={`stage-down-${s.id}`}
                          disabled={i() === stages.length - 1 || busy()}
                          onClick={() => move(s.id, 1)}
                        >
                          <Icon name="down" size={16} />
                        </button>
                      </Show>
                      <Show when={can('salesStage', 'delete')}>
                        <button type="button" class="icon-button icon-button-sm" aria-label={t('stages.delete', { name: stageName(s) })} onClick={() => void remove(s)}>
                          <Icon name="close" size={16} />
                        </button>
                      </Show>
                      </span>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <Show when={can('salesStage', 'create')}>
          <AddStage next={Math.max(0, ...stages.map((s) => s.sortOrder)) + 1} onAdded={() => void refetch()} />
        </Show>
      </section>
    </div>
  );
}

function AddStage(props: { next: number; onAdded: () => void }) {
  const id = createUniqueId();
  const [name, setName] = createSignal('');
  const [nameEn, setNameEn] = createSignal('');
  const [probability, setProbability] = createSignal('');
  const [errors, setErrors] = createSignal<FieldError[]>([]);
  const [saving, setSaving] = createSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors([]);
    setSaving(true);
    try {
      const raw = probability().trim();
      await recordsApi.create('salesStage', { name: name().trim(), nameEn: nameEn().trim() || undefined, probability: raw === '' ? 0 : Number(raw), sortOrder: props.next, active: true });
      setName('');
      setNameEn('');
      setProbability('');
      toast(t('common.created'));
      props.onAdded();
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) setErrors(err.fields);
      else toast(errorText(err), 'error');
    } finally {
      setSaving(false);
    }
  };
  const errOf = (f: string) => errorsFor(errors(), f);
  return (
    <form class="stage-add" onSubmit={submit} data-testid="stage-add" novalidate>
      <h2 class="section-title">{t('stages.add')}</h2>
      <div class="stage-add-row">
        <div class="form-field" classList={{ 'is-invalid': errOf('name').length > 0 }}>
          <label class="form-label" for={`${id}-name`}>
            {t('stages.nameZh')}
            <span class="req" aria-hidden="true">
              *
            </span>
          </label>
          <input id={`${id}-name`} class="input" maxLength={100} value={name()} data-testid="stage-add-name" onInput={(e) => setName(e.currentTarget.value)} />
          <Show when={errOf('name').length}>
            <div class="field-error">{errOf('name').map((x) => fieldErrorText(x)).join(' ')}</div>
          </Show>
        </div>
        <div class="form-field" classList={{ 'is-invalid': errOf('nameEn').length > 0 }}>
          <label class="form-label" for={`${id}-en`}>
            {t('stages.nameEn')}
          </label>
          <input id={`${id}-en`} class="input" maxLength={100} value={nameEn()} data-testid="stage-add-name-en" onInput={(e) => setNameEn(e.currentTarget.value)} />
          <Show when={errOf('nameEn').length}>
            <div class="field-error">{errOf('nameEn').map((x) => fieldErrorText(x)).join(' ')}</div>
          </Show>
        </div>
        <div class="form-field" classList={{ 'is-invalid': errOf('probability').length > 0 }}>
          <label class="form-label" for={`${id}-p`}>
            {t('stages.probability')}
          </label>
          <input id={`${id}-p`} class="input align-right" type="number" min="0" max="100" step="any" value={probability()} data-testid="stage-add-probability" onInput={(e) => setProbability(e.currentTarget.value)} />
          <Show when={errOf('probability').length}>
            <div class="field-error">{errOf('probability').map((x) => fieldErrorText(x)).join(' ')}</div>
          </Show>
        </div>
        <button type="submit" class="btn btn-primary" disabled={saving()} data-testid="stage-add-submit">
          <Icon name="plus" size={16} />
          {t('stages.addButton')}
        </button>
      </div>
    </form>
  );
}
