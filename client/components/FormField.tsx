import { For, Show, type JSX } from 'solid-js';
import type { FieldError } from '../api/client';
import { fieldErrorText } from '../i18n';

/** Label + control + translated server errors for hand-built forms. */
export function FormField(props: {
  id: string;
  label: string;
  errors?: FieldError[];
  required?: boolean;
  hint?: string;
  wide?: boolean;
  children: JSX.Element;
}) {
  const errs = () => props.errors ?? [];
  return (
    <div class="form-field" classList={{ 'is-invalid': errs().length > 0, 'is-wide': !!props.wide }}>
      <label class="form-label" for={props.id}>
        {props.label}
        <Show when={props.required}>
          <span class="req" aria-hidden="true">
            *
          </span>
        </Show>
      </label>
      {props.children}
      <Show when={errs().length > 0} fallback={<Show when={props.hint}><div class="field-hint" id={`${props.id}-err`}>{props.hint}</div></Show>}>
        <div class="field-error" id={`${props.id}-err`}>
          <For each={errs()}>{(e) => <div>{fieldErrorText(e)}</div>}</For>
        </div>
      </Show>
    </div>
  );
}

export function errorsFor(errors: FieldError[], field: string): FieldError[] {
  return errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
}
