import type { JSX } from 'solid-js';
import type { ObjectMeta, Rec } from '../api/types';
import { displayValue, fieldOf, isNumeric } from '../lib/meta';

/** One table cell of a metadata-driven record, formatted per field type and locale. */
export function renderCell(meta: ObjectMeta, name: string, rec: Rec): JSX.Element {
  const f = fieldOf(meta, name);
  const text = displayValue(f, rec, name);
  if (f?.type === 'boolean') return <span class={`badge ${rec[name] ? 'badge-ok' : 'badge-muted'}`}>{text}</span>;
  if (name === meta.titleField) return <span class="cell-title">{text}</span>;
  if (f?.type === 'email' && text) return <a href={`mailto:${text}`}>{text}</a>;
  if (f?.type === 'url' && text) return <a href={/^https?:\/\//.test(text) ? text : `https://${text}`} target="_blank" rel="noopener noreferrer">{text}</a>;
  if (f?.type === 'multiSelect' && Array.isArray(rec[name]))
    return (
      <span class="chips">
        {text
          .split(', ')
          .filter(Boolean)
          .map((x) => (
            <span class="chip chip-sm">{x}</span>
          ))}
      </span>
    );
  return text;
}

export function cellAlign(meta: ObjectMeta, name: string): 'left' | 'right' | 'center' {
  const f = fieldOf(meta, name);
  return isNumeric(f) ? 'right' : f?.type === 'boolean' ? 'center' : 'left';
}
