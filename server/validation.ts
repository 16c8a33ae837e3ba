import { z } from 'zod';
import { invalid, type FieldError, type FieldErrorCode } from './errors';

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const uuidSchema = z.uuid();
/** Whether a string is a UUID (ids from URLs and bodies are checked before they reach SQL). */
export const isUuid = (s: unknown): s is string => uuidSchema.safeParse(s).success;

/** Turns zod issues into our field error codes; one mapping for request schemas and record metadata. */
export function fieldErrorsFromZod(error: z.ZodError, input: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'body';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: field === 'body' ? key : `${field}.${key}`, code: 'unknown_field' });
      continue;
    }
    const value = valueAt(input, issue.path);
    let code: FieldErrorCode;
    const params: Record<string, unknown> = {};
    switch (issue.code) {
      case 'invalid_type':
        code = value === undefined || value === null ? 'required' : 'invalid_type';
        break;
      case 'too_big':
        code = issue.origin === 'string' ? 'too_long' : 'too_big';
        params.max = Number(issue.maximum);
        break;
      case 'too_small':
        code = issue.origin === 'string' && Number(issue.minimum) === 1 ? 'required' : 'too_small';
        params.min = Number(issue.minimum);
        break;
      case 'invalid_value':
        code = 'invalid_option';
        break;
      case 'invalid_format':
        code = 'invalid_format';
        break;
      case 'custom':
        code = ((issue.params as { code?: FieldErrorCode } | undefined)?.code ?? 'invalid_format') as FieldErrorCode;
        break;
      default:
        code = 'invalid_type';
    }
    out.push({ field, code, ...(Object.keys(params).length ? { params } : {}) });
  }
  return out;
}

/** Parses or throws our 400 naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(fieldErrorsFromZod(result.error, input));
  return result.data;
}
