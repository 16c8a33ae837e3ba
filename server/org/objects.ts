import type { ObjectDef, FieldOption, Label } from '../records/types';

const opt = (value: string, en: string, zh: string): FieldOption => ({ value, label: { en, 'zh-CN': zh } });
const l = (en: string, zh: string): Label => ({ en, 'zh-CN': zh });

export const organisationObject: ObjectDef = {
  name: 'organisation',
  table: 'organisation',
  label: l('Organisation', '组织'),
  pluralLabel: l('Organisations', '组织'),
  titleField: 'name',
  defaultSort: 'code',
  listColumns: ['code', 'name', 'kind', 'parentId', 'phone'],
  tree: { parentField: 'parentId' },
  scope: {},
  autoCode: { prefix: 'ORG', digits: 3 },
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '编码'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '名称'), required: true, maxLength: 200, searchable: true },
    { name: 'parentId', column: 'parent_id', type: 'relation', relation: 'organisation', label: l('Parent organisation', '上级组织') },
    {
      name: 'kind',
      column: 'kind',
      type: 'select',
      label: l('Kind', '类型'),
      required: true,
      defaultValue: 'subsidiary',
      options: [opt('group', 'Group', '集团'), opt('subsidiary', 'Subsidiary', '子公司'), opt('branch', 'Branch', '分公司')],
    },
    { name: 'phone', column: 'phone', type: 'phone', label: l('Phone', '电话'), maxLength: 64, searchable: true },
    { name: 'address', column: 'address', type: 'text', label: l('Address', '地址'), maxLength: 500 },
  ],
};

export const departmentObject: ObjectDef = {
  name: 'department',
  table: 'department',
  label: l('Department', '部门'),
  pluralLabel: l('Departments', '部门'),
  titleField: 'name',
  defaultSort: 'code',
  listColumns: ['code', 'name', 'organisationId', 'parentId', 'kind', 'managerId'],
  tree: { parentField: 'parentId' },
  scope: { department: 'id', owner: 'manager_id' },
  autoCode: { prefix: 'D', digits: 3 },
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '编码'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '名称'), required: true, maxLength: 200, searchable: true },
    { name: 'organisationId', column: 'organisation_id', type: 'relation', relation: 'organisation', label: l('Organisation', '所属组织'), required: true },
    { name: 'parentId', column: 'parent_id', type: 'relation', relation: 'department', label: l('Parent department', '上级部门') },
    {
      name: 'kind',
      column: 'kind',
      type: 'select',
      label: l('Kind', '类型'),
      required: true,
      defaultValue: 'other',
      options: [
        opt('management', 'Management', '管理'),
        opt('sales', 'Sales', '销售'),
        opt('service', 'Service', '服务'),
        opt('marketing', 'Marketing', '市场'),
        opt('finance', 'Finance', '财务'),
        opt('hr', 'Human resources', '人力资源'),
        opt('production', 'Production', '生产'),
        opt('rnd', 'R&D', '研发'),
        opt('other', 'Other', '其他'),
      ],
    },
    { name: 'managerId', column: 'manager_id', type: 'relation', relation: 'employee', label: l('Manager', '负责人') },
  ],
};

export const employeeObject: ObjectDef = {
  name: 'employee',
  table: 'employee',
  label: l('Employee', '员工'),
  pluralLabel: l('Employees', '员工'),
  titleField: 'name',
  defaultSort: 'code',
  listColumns: ['code', 'name', 'departmentId', 'mobile', 'email', 'category', 'active'],
  scope: { department: 'department_id', owner: 'id' },
  autoCode: { prefix: 'E', digits: 4 },
  searchText: true,
  subtitleField: 'mobile',
  fields: [
    { name: 'code', column: 'code', type: 'text', label: l('Code', '工号'), maxLength: 32, unique: true, searchable: true },
    { name: 'name', column: 'name', type: 'text', label: l('Name', '姓名'), required: true, maxLength: 100, searchable: true },
    { name: 'departmentId', column: 'department_id', type: 'relation', relation: 'department', label: l('Department', '部门') },
    {
      name: 'gender',
      column: 'gender',
      type: 'select',
      label: l('Gender', '性别'),
      options: [opt('male', 'Male', '男'), opt('female', 'Female', '女'), opt('other', 'Other', '其他')],
    },
    { name: 'birthday', column: 'birthday', type: 'date', label: l('Birthday', '生日') },
    { name: 'extension', column: 'extension', type: 'phone', label: l('Extension', '分机'), maxLength: 32, searchable: true },
    { name: 'mobile', column: 'mobile', type: 'phone', label: l('Mobile', '手机'), maxLength: 32, searchable: true },
    { name: 'email', column: 'email', type: 'email', label: l('E-mail', '电子邮件'), maxLength: 254, searchable: true },
    { name: 'imHandles', column: 'im_handles', type: 'text', label: l('IM handles', '即时通讯'), maxLength: 500 },
    { name: 'address', column: 'address', type: 'text', label: l('Address', '地址'), maxLength: 500 },
    {
      name: 'category',
      column: 'category',
      type: 'select',
      label: l('Category', '类别'),
      required: true,
      defaultValue: 'fullTime',
      options: [opt('fullTime', 'Full-time', '全职'), opt('partTime', 'Part-time', '兼职'), opt('intern', 'Intern', '实习'), opt('contractor', 'Contractor', '外包')],
    },
    { name: 'active', column: 'active', type: 'boolean', label: l('Active', '在职'), required: true, defaultValue: true },
  ],
};

export const orgObjects = [organisationObject, departmentObject, employeeObject];
