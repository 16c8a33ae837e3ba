import type { FilterNode } from '../records/query';
import type { Label } from '../records/types';

export type BuiltinQuery = { id: string; object: string; name: Label; filter: FilterNode };

/** Query favourites every user has. Modules add theirs here. */
export const builtinQueries: BuiltinQuery[] = [
  {
    id: 'builtin:customersAddedThisMonth',
    object: 'customer',
    name: { en: 'Customers added this month', 'zh-CN': '本月新增客户' },
    filter: { field: 'createdAt', op: 'thisMonth' },
  },
  {
    id: 'builtin:customersContactedLast30Days',
    object: 'customer',
    name: { en: 'Customers with an activity in the last 30 days', 'zh-CN': '近 30 天有联系的客户' },
    filter: { related: 'activity', via: 'customerId', where: { field: 'at', op: 'lastNDays', value: 30 } },
  },
  {
    id: 'builtin:customersNotContacted90Days',
    object: 'customer',
    name: { en: 'Customers not contacted for 90 days', 'zh-CN': '超过 90 天未联系的客户' },
    filter: { related: 'activity', via: 'customerId', where: { field: 'at', op: 'lastNDays', value: 90 }, exists: false },
  },
  {
    // A purchase is an order dated this month that was confirmed (drafts and cancelled orders are not).
    id: 'builtin:customersBoughtThisMonth',
    object: 'customer',
    name: { en: 'Customers who bought this month', 'zh-CN': '本月购买的客户' },
    filter: {
      related: 'salesOrder',
      via: 'customerId',
      where: { and: [{ field: 'date', op: 'thisMonth' }, { field: 'status', op: 'in', value: ['confirmed', 'shipped', 'completed'] }] },
    },
  },
  {
    id: 'builtin:contactsBirthdayThisMonth',
    object: 'contact',
    name: { en: 'Contacts added this month', 'zh-CN': '本月新增联系人' },
    filter: { field: 'createdAt', op: 'thisMonth' },
  },
];
