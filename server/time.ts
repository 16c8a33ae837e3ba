/**
 * The company's time zone: "today", "this month" and birthdays are days in this zone, not in
 * the server's. Set once at start from TIME_ZONE.
 */
let zone = 'Asia/Shanghai';

export function setTimeZone(tz: string): void {
  zone = tz;
}

export function timeZone(): string {
  return zone;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in the company's zone, as YYYY-MM-DD. */
export function todayInZone(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (s: string, n: number) => {
  const d = toDate(s);
  d.setUTCDate(d.getUTCDate() + n);
  return fmt(d);
};

export const relativeDateOps = ['today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'thisQuarter', 'lastQuarter', 'thisYear', 'lastYear', 'lastNDays', 'nextNDays'] as const;
export type RelativeDateOp = (typeof relativeDateOps)[number];

/** The [start, end) day range of a relative date operator, as YYYY-MM-DD in the company's zone. Weeks start on Monday. */
export function relativeRange(op: RelativeDateOp, n: number, today = todayInZone()): [string, string] {
  const d = toDate(today);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const monthStart = (year: number, month: number) => fmt(new Date(Date.UTC(year, month, 1)));
  const weekStart = addDays(today, -((d.getUTCDay() + 6) % 7));
  const q = Math.floor(m / 3) * 3;
  switch (op) {
    case 'today':
      return [today, addDays(today, 1)];
    case 'yesterday':
      return [addDays(today, -1), today];
    case 'thisWeek':
      return [weekStart, addDays(weekStart, 7)];
    case 'lastWeek':
      return [addDays(weekStart, -7), weekStart];
    case 'thisMonth':
      return [monthStart(y, m), monthStart(y, m + 1)];
    case 'lastMonth':
      return [monthStart(y, m - 1), monthStart(y, m)];
    case 'thisQuarter':
      return [monthStart(y, q), monthStart(y, q + 3)];
    case 'lastQuarter':
      return [monthStart(y, q - 3), monthStart(y, q)];
    case 'thisYear':
      return [monthStart(y, 0), monthStart(y + 1, 0)];
    case 'lastYear':
      return [monthStart(y - 1, 0), monthStart(y, 0)];
    case 'lastNDays':
      return [addDays(today, -(n - 1)), addDays(today, 1)];
    case 'nextNDays':
      return [today, addDays(today, n)];
  }
}
