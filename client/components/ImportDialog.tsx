import { For, Show, createSignal } from 'solid-js';
import { ApiError } from '../api/client';
import { importApi, type ImportOptions } from '../api/endpoints';
import type { ImportProblem, ImportResult, ObjectMeta } from '../api/types';
import { errorText, fieldErrorText, formatNumber, label, locale, t } from '../i18n';
import { downloadFile } from '../lib/download';
import { fieldLabel } from '../lib/meta';
import { Modal } from './Modal';
import { toast } from './Toasts';

/**
 * Import from .xlsx/.csv: choose a file, check the auto-matched columns (change any), pick the
 * mode and what to do with duplicates, dry-run first, then import for real.
 */
export function ImportDialog(props: { meta: ObjectMeta; onClose: () => void; onDone: () => void }) {
  const [file, setFile] = createSignal<File | null>(null);
  const [mapping, setMapping] = createSignal<{ header: string; field: string | null }[]>([]);
  const [mode, setMode] = createSignal<ImportOptions['mode']>('create');
  const [dups, setDups] = createSignal<ImportOptions['duplicates']>('skip');
  const [result, setResult] = createSignal<ImportResult | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);

  const importable = () => props.meta.fields.filter((f) => f.editable && !f.readOnly && f.name !== 'id' && f.type !== 'file');
  const mapObj = () => Object.fromEntries(mapping().filter((m) => m.header).map((m) => [m.header, m.field]));

  const problemText = (p: ImportProblem) => {
    const name = p.field?.split('.')[0];
    const f = name ? props.meta.fields.find((x) => x.name === name) : undefined;
    const fl = f ? label(f.label, f.name) : name;
    const text = fieldErrorText({ field: p.field ?? '', code: p.code }, fl);
    return fl ? `${fl}: ${text}` : text;
  };
  const showError = (e: unknown) => {
    if (e instanceof ApiError && e.fields.length) setError(e.fields.map((fe) => (fe.field === 'file' ? `${t('import.file')}: ` : fe.field === 'mapping' ? `${t('import.mapping')}: ` : '') + fieldErrorText(fe, fe.field === 'mapping' && typeof fe.params?.value === 'string' ? fe.params.value : fe.field)).join(' '));
    else setError(errorText(e));
  };

  const run = async (dryRun: boolean, withMapping = true) => {
    const f = file();
    if (!f) return;
    setBusy(true);
    setError(null);
    try {
      const r = await importApi.run(props.meta.name, f, { mode: mode(), duplicates: dups(), dryRun, mapping: withMapping && mapping().length ? mapObj() : undefined, locale: locale() });
      if (!withMapping || mapping().length === 0) setMapping(r.columns.map((c) => ({ header: c.header, field: c.field })));
      setResult(r);
      if (!dryRun && r.rejectedRows === 0) {
        setDone(true);
        toast(t('import.finished', { created: formatNumber(r.created), updated: formatNumber(r.updated) }));
        props.onDone();
      }
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const choose = (f: File | null) => {
    setFile(f);
    setResult(null);
    setMapping([]);
    setDone(false);
    setError(null);
    if (!f) return;
    if (!/\.(xlsx|csv)$/i.test(f.name)) {
      setError(t('import.wrongType'));
      setFile(null);
      return;
    }
    void run(true, false);
  };
  const dryOk = () => !!result() && result()!.dryRun && result()!.rejectedRows === 0;

  return (
    <Modal
      open
      onClose={props.onClose}
      title={t('import.title', { object: label(props.meta.pluralLabel, props.meta.name) })}
      size="lg"
      testid="import-dialog"
      footer={
        <>
          <button type="button" class="btn btn-ghost" data-testid="import-template" onClick={() => void downloadFile(importApi.templateUrl(props.meta.name, 'xlsx', locale()), `${props.meta.name}-import-template.xlsx`).catch((e) => toast(errorText(e), 'error'))}>
            {t('import.template')}
          </button>
          <span class="spacer" />
          <button type="button" class="btn" onClick={props.onClose}>
            {done() ? t('common.close') : t('common.cancel')}
          </button>
          <Show when={!done()}>
            <button type="button" class="btn" data-testid="import-dry-run" disabled={!file() || busy()} onClick={() => void run(true)}>
              {t('import.dryRun')}
            </button>
            <button type="button" class="btn btn-primary" data-testid="import-run" disabled={!dryOk() || busy()} title={dryOk() ? undefined : t('import.dryRunFirst')} onClick={() => void run(false)}>
              {busy() ? t('common.loading') : t('import.run')}
            </button>
          </Show>
        </>
      }
    >
      <div class="stack import-dialog">
        <Show when={error()}>
          <div class="form-alert" role="alert" data-testid="import-error">
            {error()}
          </div>
        </Show>
        <div class="form-field">
          <label class="form-label" for="import-file">
            {t('import.file')}
          </label>
          <input id="import-file" type="file" class="input" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-testid="import-file" onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)} />
          <div class="field-hint">{t('import.fileHint')}</div>
        </div>
        <div class="import-options">
          <label class="form-field">
            <span class="form-label">{t('import.mode')}</span>
            <select class="select" data-testid="import-mode" value={mode()} onChange={(e) => { setMode(e.currentTarget.value as ImportOptions['mode']); setResult(null); }}>
              <For each={['create', 'update', 'upsert'] as const}>{(m) => <option value={m} selected={mode() === m}>{t(`import.mode.${m}`)}</option>}</For>
            </select>
          </label>
          <label class="form-field">
            <span class="form-label">{t('import.duplicates')}</span>
            <select class="select" data-testid="import-duplicates" value={dups()} onChange={(e) => { setDups(e.currentTarget.value as ImportOptions['duplicates']); setResult(null); }}>
              <For each={['skip', 'update', 'create'] as const}>{(m) => <option value={m} selected={dups() === m}>{t(`import.dup.${m}`)}</option>}</For>
            </select>
          </label>
        </div>
        <Show when={mapping().length}>
          <section>
            <h3 class="section-title">{t('import.mapping')}</h3>
            <table class="table table-compact" data-testid="import-mapping">
              <thead>
                <tr>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('import.field')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={mapping()}>
                  {(m, i) => (
                    <tr>
                      <td>{m.header || <span class="muted">{t('import.noHeader')}</span>}</td>
                      <td>
                        <select
                          class="select select-sm"
                          aria-label={t('import.fieldFor', { column: m.header })}
                          data-testid="import-map-field"
                          disabled={!m.header}
                          value={m.field ?? ''}
                          onChange={(e) => {
                            const v = e.currentTarget.value || null;
                            setMapping(mapping().map((x, j) => (j === i() ? { ...x, field: v } : v && x.field === v ? { ...x, field: null } : x)));
                            setResult(null);
                          }}
                        >
                          <option value="">{t('import.skipColumn')}</option>
                          <For each={importable()}>{(f) => <option value={f.name} selected={m.field === f.name}>{fieldLabel(props.meta, f.name)}</option>}</For>
                        </select>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
        </Show>
        <Show when={result()}>
          {(r) => (
            <section data-testid="import-result">
              <h3 class="section-title">{r().dryRun ? t('import.dryRunResult') : t('import.result')}</h3>
              <dl class="card-summary import-counts">
                <div>
                  <dt>{t('import.created')}</dt>
                  <dd data-testid="import-created">{formatNumber(r().created)}</dd>
                </div>
                <div>
                  <dt>{t('import.updated')}</dt>
                  <dd data-testid="import-updated">{formatNumber(r().updated)}</dd>
                </div>
                <div>
                  <dt>{t('import.skipped')}</dt>
                  <dd data-testid="import-skipped">{formatNumber(r().skipped)}</dd>
                </div>
                <div>
                  <dt>{t('import.rejected')}</dt>
                  <dd data-testid="import-rejected">{formatNumber(r().rejectedRows)}</dd>
                </div>
              </dl>
              <Show when={r().rejectedRows > 0}>
                <p class="form-alert" role="alert">
                  {t('import.rejectedNote')}
                </p>
                <table class="table table-compact" data-testid="import-rejected-rows">
                  <thead>
                    <tr>
                      <th scope="col">{t('import.row')}</th>
                      <th scope="col">{t('import.reasons')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().rejected}>
                      {(row) => (
                        <tr>
                          <td class="align-right">{formatNumber(row.row)}</td>
                          <td>
                            <For each={row.errors.length ? row.errors : [row]}>{(p) => <div>{problemText(p)}</div>}</For>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Show>
              <Show when={done()}>
                <p class="form-info" role="status" data-testid="import-done">
                  {t('import.finished', { created: formatNumber(r().created), updated: formatNumber(r().updated) })}
                </p>
              </Show>
            </section>
          )}
        </Show>
      </div>
    </Modal>
  );
}
