import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './context';
import { AppError } from './errors';
import { fieldErrorsFromZod } from './validation';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ErrorSchema } }, description });

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: errorResponse('Invalid input; details.fields names each bad field'),
  401: errorResponse('Not signed in'),
  403: errorResponse('Forbidden or cross-site'),
  404: errorResponse('Unknown or forbidden id'),
  409: errorResponse('Conflict'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

export const OkSchema = z.object({ ok: z.literal(true) });

export const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

export const LocaleSchema = z.enum(['zh-CN', 'en']);

/**
 * Turns zod failures of request schemas into our 400 shape. The raw input is read back so a
 * missing field says `required` and a wrong one `invalid_type`.
 */
export async function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
  c: { req: { json(): Promise<unknown>; query(): Record<string, string>; param(): Record<string, string> } },
): Promise<undefined> {
  if (result.success) return undefined;
  const { target } = result;
  let input: unknown = undefined;
  try {
    input = target === 'json' ? await c.req.json() : target === 'query' ? c.req.query() : target === 'param' ? c.req.param() : undefined;
  } catch {
    input = undefined;
  }
  const fields = fieldErrorsFromZod(result.error, input).map((f) => ({ ...f, field: target === 'json' ? f.field : `${target}.${f.field}` }));
  throw new AppError('validation_failed', `Invalid ${target}: ${fields.map((f) => `${f.field} ${f.code}`).join(', ')}`, { fields });
}

/** Every API module builds its routes on this, so validation answers the same everywhere. */
export const router = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
