import type { ObjectDef } from '../records/types';
import { l } from '../records/labels';

export const unitObject: ObjectDef = {
  name: 'unit',
  table: 'unit',
  label: l('Unit of measure', '计量单位'),
  pluralLabel: l('Units of measure', '计量单位'),
  titleField: 'name',
  defaultSort: 'code',
  listColumns: ['code', 'name'],
  scope: {},
  autoCode: { prefix: 'U', digits: 3 },
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '编码'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '名称'), required: true, maxLength: 100, searchable: true },
  ],
};

export const productObject: ObjectDef = {
  name: 'product',
  table: 'product',
  label: l('Product', '产品'),
  pluralLabel: l('Products', '产品'),
  titleField: 'name',
  subtitleField: 'specification',
  defaultSort: 'code',
  listColumns: ['code', 'name', 'specification', 'unitId', 'listPrice', 'active'],
  scope: {},
  autoCode: { prefix: 'PR', digits: 5 },
  searchText: true,
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '产品编号'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '产品名称'), required: true, maxLength: 200, searchable: true },
    { name: 'specification', column: 'specification', type: 'text', label: l('Specification / model', '规格型号'), maxLength: 200, searchable: true },
    { name: 'unitId', column: 'unit_id', type: 'relation', relation: 'unit', label: l('Unit', '单位') },
    { name: 'listPrice', column: 'list_price', type: 'money', label: l('List price', '标准价格'), tracked: true },
    { name: 'pictures', column: 'pictures', type: 'file', label: l('Pictures', '图片') },
    { name: 'active', column: 'active', type: 'boolean', label: l('Active', '在售'), required: true, defaultValue: true },
  ],
};

export const productObjects = [unitObject, productObject];
