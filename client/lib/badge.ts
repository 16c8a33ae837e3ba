import { formatNumber } from '../i18n';

/** A count on a badge: exact up to 99. */
export const badgeCount = (n: number): string => (n > 99 ? '99+' : formatNumber(n));
