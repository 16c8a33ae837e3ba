import { z } from '@hono/zod-openapi';
import { LocaleSchema, Paging } from '../openapi';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords';

export const UserSchema = z
  .object({
    id: z.string(),
    login: z.string(),
    employeeId: z.string().nullable(),
    employeeName: z.string().nullable(),
    active: z.boolean(),
    locale: LocaleSchema.nullable(),
    groupIds: z.array(z.string()),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .openapi('User');

export const PasswordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(256);
const LoginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9._@-]+$/);

export const CreateUserSchema = z
  .strictObject({
    login: LoginSchema,
    password: PasswordSchema,
    employeeId: z.uuid().nullable().optional(),
    groupIds: z.array(z.uuid()).max(100).optional(),
    active: z.boolean().optional(),
    locale: LocaleSchema.nullable().optional(),
  })
  .openapi('CreateUser');

export const UpdateUserSchema = z
  .strictObject({
    employeeId: z.uuid().nullable().optional(),
    groupIds: z.array(z.uuid()).max(100).optional(),
    active: z.boolean().optional(),
    locale: LocaleSchema.nullable().optional(),
    password: PasswordSchema.optional(),
  })
  .openapi('UpdateUser');

export const UserListQuery = z.object({
  q: z.string().max(100).optional(),
  sort: z.enum(['login', '-login', 'createdAt', '-createdAt', 'lastLoginAt', '-lastLoginAt']).optional(),
  ...Paging,
});

export type UserDto = z.infer<typeof UserSchema>;
