/**
 * Money is compared and added as integer cents (BigInt) on the server, and multiplied in
 * PostgreSQL numeric: no binary float ever touches an amount.
 */
const MONEY = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Cents of a money value as the database or the API spells it ("1234.5", "-0.10", 12). */
export function toCents(value: unknown): bigint {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = MONEY.exec(text);
  if (!m) throw new Error(`Not a money value: ${String(value)}`);
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** "1234.50" from 123450n. */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Sum of money values, exact. */
export const sumMoney = (values: unknown[]): string => fromCents(values.reduce<bigint>((acc, v) => acc + toCents(v ?? 0), 0n));
