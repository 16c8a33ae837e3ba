import type { ObjectDef } from '../records/types';
import { l, ownershipFields } from '../records/labels';

export const expenseCategoryObject: ObjectDef = {
  name: 'expenseCategory',
  table: 'expense_category',
  label: l('Expense category', '费用类别'),
  pluralLabel: l('Expense categories', '费用类别'),
  titleField: 'name',
  defaultSort: 'code',
  listColumns: ['code', 'name', 'parentId'],
  tree: { parentField: 'parentId' },
  scope: {},
  autoCode: { prefix: 'EC', digits: 3 },
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '编码'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '名称'), required: true, maxLength: 100, searchable: true },
    { name: 'parentId', column: 'parent_id', type: 'relation', relation: 'expenseCategory', label: l('Parent category', '上级类别') },
  ],
};

/** Expenses hang off custom business records (and their customer); the ledger lists them all. */
export const expenseObject: ObjectDef = {
  name: 'expense',
  table: 'expense',
  label: l('Expense', '费用'),
  pluralLabel: l('Expense ledger', '费用台账'),
  titleField: 'note',
  defaultSort: '-date',
  listColumns: ['date', 'categoryId', 'amount', 'currency', 'recordId', 'customerId', 'ownerId', 'note'],
  scope: { department: 'department_id', owner: 'owner_id' },
  fields: [
    { name: 'categoryId', column: 'category_id', type: 'relation', relation: 'expenseCategory', label: l('Category', '费用类别'), required: true },
    { name: 'amount', column: 'amount', type: 'money', label: l('Amount', '金额'), required: true },
    { name: 'currency', column: 'currency', type: 'select', label: l('Currency', '币种'), required: true, defaultValue: 'CNY', options: [
      { value: 'CNY', label: l('CNY', '人民币') },
      { value: 'USD', label: l('USD', '美元') },
      { value: 'EUR', label: l('EUR', '欧元') },
      { value: 'HKD', label: l('HKD', '港币') },
    ] },
    { name: 'date', column: 'date', type: 'date', label: l('Date', '日期'), required: true },
    { name: 'note', column: 'note', type: 'text', label: l('Note', '说明'), maxLength: 500, searchable: true },
    { name: 'recordId', column: 'record_id', type: 'relation', relation: 'customRecord', label: l('Business record', '业务记录') },
    { name: 'customerId', column: 'customer_id', type: 'relation', relation: 'customer', label: l('Customer', '客户') },
    ...ownershipFields(),
  ],
};

export const expenseObjects = [expenseCategoryObject, expenseObject];
