import { onCleanup, onMount } from 'solid-js';
import type * as Y from 'yjs';
import { bindText } from './textBinding';

type Props = {
  ytext: Y.Text;
  origin: object;
  multiline: boolean;
  id: string;
  name: string;
  type?: string;
  maxLength?: number;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
  required?: boolean;
  testid?: string;
};

/** A text input or textarea co-edited through a Y.Text (the element is not a controlled input). */
export function CollabText(props: Props) {
  let el!: HTMLInputElement | HTMLTextAreaElement;
  onMount(() => onCleanup(bindText(el, props.ytext, props.origin)));
  const common = () => ({
    id: props.id,
    name: props.name,
    maxLength: props.maxLength,
    disabled: props.disabled,
    'aria-invalid': props.invalid ? ('true' as const) : undefined,
    'aria-describedby': props.describedBy,
    'aria-required': props.required ? ('true' as const) : undefined,
    'data-testid': props.testid,
    'data-live': 'true',
  });
  return props.multiline ? (
    <textarea ref={(e) => (el = e)} {...common()} class="textarea" rows={4} />
  ) : (
    <input ref={(e) => (el = e)} {...common()} class="input" type={props.type ?? 'text'} />
  );
}
