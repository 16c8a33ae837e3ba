import { For, Match, Show, Switch, createEffect, createMemo, createUniqueId, on } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { FieldError } from '../api/client';
import { recordsApi } from '../api/endpoints';
import type { FieldMeta, LayoutSection, ObjectMeta, Rec } from '../api/types';
import type { CardDoc, Peer } from '../collab/cardDoc';
import { CollabText } from '../collab/CollabText';
import { fieldErrorText, label, t } from '../i18n';
import { displayValue, getMeta } from '../lib/meta';
import { RelationSelect, recordTitle } from './RelationSelect';

type Values = Record<string, unknown>;

type Props = {
  meta: ObjectMeta;
  /** The record being edited, or undefined when creating. */
  record?: Rec;
  /** Initial values for a new record (e.g. the selected parent). */
  defaults?: Values;
  errors: FieldError[];
  formId: string;
  onSubmit: (values: Values) => void;
  /** Fields not to show at all. */
  hidden?: string[];
  disabled?: boolean;
  /** Card layout sections: only these fields, in these sections (1 or 2 columns). */
  sections?: LayoutSection[];
  /**
   * The card's co-edited doc: fields it carries edit live (no submit); the others keep the
   * normal form edit.
   */
  live?: CardDoc;
  /** An object's own form rules (e.g. a receipt filling itself from its order). */
  behaviour?: FormBehaviour;
};

/** What a form behaviour may do with the form it runs in. */
export type FormControl = {
  isNew: boolean;
  get(name: string): unknown;
  /** Sets a field (a relation with its title), as if the user had. */
  set(name: string, value: unknown, label?: string | null): void;
  /** A line under the field in place of its help text; null removes it. */
  hint(name: string, text: string | null): void;
  /** Errors found by the behaviour (shown like the server's); [] clears them. */
  errors(name: string, errors: FieldError[]): void;
};

/** Object-specific form rules: told once at start (`changed` null) and after each change the user makes. */
export type FormBehaviour = { onChange(form: FormControl, changed: string | null): void };

const relationLabels = new Map<string, Promise<string | null>>();
/** The title of a related record the doc points at (a remote edit carries only the id). */
function relationLabel(object: string, id: string): Promise<string | null> {
  const key = `${object}:${id}`;
  let p = relationLabels.get(key);
  if (!p) {
    p = Promise.all([recordsApi.get(object, id), getMeta(object).catch(() => undefined)])
      .then(([r, m]) => recordTitle(r, m))
      .catch(() => null);
    relationLabels.set(key, p);
  }
  return p;
}

const SYSTEM = new Set(['id', 'createdAt', 'updatedAt']);

function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === '' ? null : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Renders an object's fields from metadata and shows server field errors beside each field. */
export function RecordForm(props: Props) {
  const uid = createUniqueId();
  const isNew = () => !props.record;
  const initial: Values = { ...(props.defaults ?? {}), ...(props.record ?? {}) };
  const [values, setValues] = createStore<Values>({ ...initial });
  const [labels, setLabels] = createStore<Record<string, string | null>>({ ...(props.record?._labels ?? {}), ...((props.defaults?._labels as Record<string, string | null>) ?? {}) });

  const fields = createMemo(() =>
    props.meta.fields.filter((f) => {
      if (!f.readable || SYSTEM.has(f.name) || props.hidden?.includes(f.name)) return false;
      // System-filled fields (auto code, timestamps) mean nothing before the record exists.
      if (isNew() && f.readOnly) return false;
      return true;
    }),
  );
  const [hints, setHints] = createStore<Record<string, string | null>>({});
  const [ownErrors, setOwnErrors] = createStore<Record<string, FieldError[]>>({});
  const errorFor = (name: string) => [...props.errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`)), ...(ownErrors[name] ?? [])];
  const otherErrors = createMemo(() => {
    const shown = new Set(fields().map((f) => f.name));
    return props.errors.filter((e) => !shown.has(e.field.split('.')[0]));
  });
  const canEdit = (f: FieldMeta) => !f.readOnly && f.editable && !props.disabled;
  /** Whether a field is edited through the shared doc rather than this form's submit. */
  const isLive = (name: string) => !!props.live && props.live.has(name);
  const get = (name: string): unknown => (isLive(name) ? props.live!.value(name) : values[name]);
  /** Typing into a form field: immediate for the form, and for live fields that are not typed text. */
  const put = (name: string, v: unknown) => {
    if (isLive(name)) props.live!.set(name, v);
    else setValues(name, v);
  };
  const control: FormControl = {
    isNew: isNew(),
    get: (name) => get(name),
    set: (name, v, l) => {
      put(name, v);
      if (l !== undefined) setLabels(name, l);
    },
    hint: (name, text) => setHints(name, text),
    errors: (name, errs) => setOwnErrors(name, errs),
  };
  const changed = (name: string) => props.behaviour?.onChange(control, name);
  const set = (name: string, v: unknown) => {
    put(name, v);
    changed(name);
  };
  queueMicrotask(() => props.behaviour?.onChange(control, null));
  /** Typed values (numbers, e-mail, phone) reach the doc once complete, not on every key. */
  const draft = (name: string, v: unknown) => {
    if (!isLive(name)) setValues(name, v);
  };
  const commit = (name: string, v: unknown) => {
    if (isLive(name)) props.live!.set(name, v);
    changed(name);
  };
  const peersOn = (name: string): Peer[] => props.live?.peers().filter((p) => p.field === name) ?? [];

  // The record was refreshed (someone else saved): take its values into fields not being edited.
  createEffect(
    on(
      () => props.record,
      (rec) => {
        if (!rec) return;
        for (const f of props.meta.fields) {
          if (SYSTEM.has(f.name)) continue;
          if (!isLive(f.name) && sameValue(values[f.name], initial[f.name])) setValues(f.name, rec[f.name]);
          initial[f.name] = rec[f.name];
          const l = rec._labels?.[f.name];
          if (l !== undefined && sameValue(get(f.name), rec[f.name])) setLabels(f.name, l);
        }
      },
      { defer: true },
    ),
  );
  // A live relation changed elsewhere: look up the title of the record it now points at.
  createEffect(() => {
    if (!props.live) return;
    for (const f of fields()) {
      if (f.type !== 'relation' || !f.relation || !isLive(f.name)) continue;
      const id = props.live.value(f.name);
      if (typeof id !== 'string' || !id) continue;
      const known = props.record && props.record[f.name] === id ? props.record._labels?.[f.name] : undefined;
      if (known) continue;
      void relationLabel(f.relation, id).then((l) => {
        if (l !== null && props.live?.value(f.name) === id) setLabels(f.name, l);
      });
    }
  });

  const submit = (e: Event) => {
    e.preventDefault();
    const out: Values = {};
    for (const f of fields()) {
      if (!canEdit(f) || isLive(f.name)) continue;
      const v = values[f.name];
      if (isNew()) {
        if (v !== undefined && v !== '' && v !== null) out[f.name] = v;
        else if (f.type === 'boolean') out[f.name] = !!v;
      } else if (!sameValue(v, initial[f.name])) {
        out[f.name] = v === '' || v === undefined ? null : v;
      }
    }
    props.onSubmit(out);
  };

  return (
    <form id={props.formId} class="record-form" novalidate onSubmit={submit}>
      <Show when={otherErrors().length > 0}>
        <div class="form-alert" role="alert">
          <ul>
            <For each={otherErrors()}>
              {(fe) => {
                const f = props.meta.fields.find((x) => x.name === fe.field.split('.')[0]);
                return <li>{f ? `${label(f.label, f.name)}: ${fieldErrorText(fe, label(f.label, f.name))}` : fieldErrorText(fe)}</li>;
              }}
            </For>
          </ul>
        </div>
      </Show>
      <Show
        when={props.sections}
        fallback={
          <div class="form-grid">
            <For each={fields()}>{(f) => renderField(f)}</For>
          </div>
        }
      >
        <For each={props.sections!}>
          {(sec) => {
            const inSec = () => sec.fields.map((n) => fields().find((f) => f.name === n)).filter((f): f is FieldMeta => !!f);
            return (
              <Show when={inSec().length}>
                <fieldset class="form-section" data-testid={`section-${sec.key}`}>
                  <legend class="section-title">{label(sec.label, sec.key)}</legend>
                  <div class="form-grid" classList={{ 'form-grid-1': sec.columns === 1 }}>
                    <For each={inSec()}>{(f) => renderField(f)}</For>
                  </div>
                </fieldset>
              </Show>
            );
          }}
        </For>
      </Show>
    </form>
  );

  function renderField(f: FieldMeta) {
            const id = `${uid}-${f.name}`;
            const errId = `${id}-err`;
            const errs = () => errorFor(f.name);
            const invalid = () => errs().length > 0;
            const wide = f.type === 'longText' || f.type === 'multiSelect' || f.name === 'address';
            const common = () => ({
              id,
              name: f.name,
              'aria-invalid': invalid() ? ('true' as const) : undefined,
              'aria-describedby': invalid() ? errId : undefined,
              'aria-required': f.required ? ('true' as const) : undefined,
              'data-testid': `field-${f.name}`,
            });
            const str = () => {
              const v = get(f.name);
              return v === null || v === undefined ? '' : String(v);
            };
            const ytext = createMemo(() => {
              if (!props.live || !isLive(f.name)) return null;
              props.live.value(f.name);
              return props.live.text(f.name);
            });
            const peers = () => peersOn(f.name);
            const shown = (): Rec => ({ ...(values as Rec), [f.name]: get(f.name), _labels: labels });
            return (
              <div
                class="form-field"
                classList={{ 'is-wide': wide, 'is-invalid': invalid(), 'is-checkbox': f.type === 'boolean', 'is-live': isLive(f.name), 'has-peer': peers().length > 0 }}
                style={peers().length ? { '--peer-color': peers()[0].user.color } : undefined}
                data-field={f.name}
                onFocusIn={() => isLive(f.name) && props.live!.focus(f.name)}
                onFocusOut={(e) => {
                  if (!props.live) return;
                  const next = e.relatedTarget as Node | null;
                  if (!next || !(e.currentTarget as HTMLElement).contains(next)) props.live.focus(null);
                }}
              >
                <Show when={peers().length > 0}>
                  <span class="peer-tag" data-testid={`peer-on-${f.name}`}>
                    {peers()
                      .map((p) => p.user.name)
                      .filter((n, i, a) => a.indexOf(n) === i)
                      .join(t('common.listSep'))}
                  </span>
                </Show>
                <Show when={f.type !== 'boolean' || !canEdit(f)}>
                  <label for={id} id={`${id}-lbl`} class="form-label">
                    {label(f.label, f.name)}
                    <Show when={f.required && canEdit(f)}>
                      <span class="req" aria-hidden="true">
                        *
                      </span>
                    </Show>
                  </label>
                </Show>
                <Switch
                  fallback={
                    <input
                      {...common()}
                      class="input"
                      type={f.type === 'email' ? 'email' : f.type === 'phone' ? 'tel' : f.type === 'url' ? 'url' : 'text'}
                      maxLength={f.maxLength}
                      value={str()}
                      onInput={(e) => draft(f.name, e.currentTarget.value)}
                      onChange={(e) => commit(f.name, e.currentTarget.value)}
                    />
                  }
                >
                  <Match when={!canEdit(f)}>
                    <div class="static-value" id={id} aria-readonly="true" data-testid={`value-${f.name}`}>
                      {displayValue(f, shown()) || '—'}
                    </div>
                  </Match>
                  <Match when={ytext()}>
                    {(yt) => (
                      <CollabText
                        ytext={yt()}
                        origin={props.live!.origin}
                        multiline={f.type === 'longText'}
                        id={id}
                        name={f.name}
                        type={f.type === 'email' ? 'email' : f.type === 'phone' ? 'tel' : f.type === 'url' ? 'url' : 'text'}
                        maxLength={f.maxLength}
                        invalid={invalid()}
                        describedBy={invalid() ? errId : undefined}
                        required={f.required}
                        testid={`field-${f.name}`}
                      />
                    )}
                  </Match>
                  <Match when={f.type === 'longText'}>
                    <textarea
                      {...common()}
                      class="textarea"
                      rows={4}
                      maxLength={f.maxLength}
                      value={str()}
                      onInput={(e) => draft(f.name, e.currentTarget.value)}
                      onChange={(e) => commit(f.name, e.currentTarget.value)}
                    />
                  </Match>
                  <Match when={f.type === 'multiSelect'}>
                    <div class="check-grid" role="group" id={id} aria-labelledby={`${id}-lbl`} data-testid={`field-${f.name}`}>
                      <For each={f.options ?? []}>
                        {(o) => {
                          const arr = () => {
                            const v = get(f.name);
                            return Array.isArray(v) ? (v as string[]) : [];
                          };
                          return (
                            <label class="checkbox">
                              <input
                                type="checkbox"
                                checked={arr().includes(o.value)}
                                onChange={(e) =>
                                  set(f.name, e.currentTarget.checked ? [...arr(), o.value] : arr().filter((x) => x !== o.value))
                                }
                              />
                              <span>{label(o.label, o.value)}</span>
                            </label>
                          );
                        }}
                      </For>
                    </div>
                  </Match>
                  <Match when={f.type === 'file'}>
                    <div class="static-value" id={id}>
                      {displayValue(f, shown()) || '—'}
                    </div>
                  </Match>
                  <Match when={f.type === 'number' || f.type === 'money' || f.type === 'percent'}>
                    <input
                      {...common()}
                      class="input align-right"
                      type="number"
                      inputmode="decimal"
                      step={f.type === 'money' ? '0.01' : 'any'}
                      value={str()}
                      onInput={(e) => {
                        const raw = e.currentTarget.value;
                        // Money travels as the decimal text typed: never through a float.
                        draft(f.name, raw === '' ? null : f.type === 'money' ? raw.trim() : Number(raw));
                      }}
                      onChange={(e) => {
                        const raw = e.currentTarget.value.trim();
                        // The doc holds REST values: money as a decimal string, numbers as numbers.
                        commit(f.name, raw === '' ? null : f.type === 'money' ? raw : Number(raw));
                      }}
                    />
                  </Match>
                  <Match when={f.type === 'date'}>
                    <input
                      {...common()}
                      class="input"
                      type="date"
                      value={str().slice(0, 10)}
                      onInput={(e) => set(f.name, e.currentTarget.value || null)}
                    />
                  </Match>
                  <Match when={f.type === 'dateTime'}>
                    <input
                      {...common()}
                      class="input"
                      type="datetime-local"
                      value={toLocalInput(get(f.name))}
                      onInput={(e) => set(f.name, e.currentTarget.value ? new Date(e.currentTarget.value).toISOString() : null)}
                    />
                  </Match>
                  <Match when={f.type === 'boolean'}>
                    <label class="checkbox" for={id}>
                      <input
                        {...common()}
                        type="checkbox"
                        checked={!!get(f.name)}
                        onChange={(e) => set(f.name, e.currentTarget.checked)}
                      />
                      <span>{label(f.label, f.name)}</span>
                    </label>
                  </Match>
                  <Match when={f.type === 'select'}>
                    <select {...common()} class="select" value={str()} onChange={(e) => set(f.name, e.currentTarget.value || null)}>
                      <option value="">{t('common.select')}</option>
                      <For each={f.options ?? []}>{(o) => <option value={o.value} selected={str() === o.value}>{label(o.label, o.value)}</option>}</For>
                    </select>
                  </Match>
                  <Match when={f.type === 'relation' && f.relation}>
                    <RelationSelect
                      id={id}
                      relation={f.relation!}
                      value={(get(f.name) as string | null) ?? null}
                      label={labels[f.name] ?? null}
                      invalid={invalid()}
                      describedBy={invalid() ? errId : undefined}
                      exclude={f.relation === props.meta.name && props.record ? [props.record.id] : undefined}
                      testid={`field-${f.name}`}
                      onChange={(v, l) => {
                        set(f.name, v);
                        setLabels(f.name, l);
                      }}
                    />
                  </Match>
                </Switch>
                <Show when={!invalid() && (hints[f.name] || f.help)}>
                  <div class="field-hint" classList={{ 'is-computed': !!hints[f.name] }} data-testid={hints[f.name] ? `hint-${f.name}` : undefined}>
                    {hints[f.name] || label(f.help)}
                  </div>
                </Show>
                <Show when={invalid()}>
                  <div class="field-error" id={errId}>
                    <For each={errs()}>{(fe) => <div>{fieldErrorText(fe)}</div>}</For>
                  </div>
                </Show>
              </div>
            );
  }
}
