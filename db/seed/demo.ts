/** A bilingual demo company: 星辰科技 / Xingchen Technology. */
export const DEMO_PASSWORD = 'demo-pass-2026';

type Emp = { code: string; name: string; departmentId: string; gender: 'male' | 'female'; birthday: string; mobile: string; email: string; extension: string; category: string };

const people: [string, string, 'male' | 'female', string][] = [
  // code suffix, name, gender, department
  ['01', '王建国', 'male', 'GM'],
  ['02', 'Emily Chen', 'female', 'GM'],
  ['03', '李娜', 'female', 'SALES'],
  ['04', '张伟', 'male', 'SALES-E'],
  ['05', '刘洋', 'male', 'SALES-E'],
  ['06', '陈静', 'female', 'SALES-E'],
  ['07', '杨帆', 'male', 'SALES-E'],
  ['08', '赵磊', 'male', 'SALES-N'],
  ['09', '黄敏', 'female', 'SALES-N'],
  ['10', '周杰', 'male', 'SALES-N'],
  ['11', 'David Wang', 'male', 'SALES-N'],
  ['12', '吴芳', 'female', 'SERVICE'],
  ['13', '徐强', 'male', 'SERVICE'],
  ['14', '孙丽', 'female', 'SERVICE'],
  ['15', '马超', 'male', 'SERVICE'],
  ['16', '朱琳', 'female', 'MKT'],
  ['17', '胡斌', 'male', 'MKT'],
  ['18', 'Sophie Li', 'female', 'MKT'],
  ['19', '郭涛', 'male', 'FIN'],
  ['20', '何雪', 'female', 'FIN'],
  ['21', '高峰', 'male', 'HR'],
  ['22', '林晓', 'female', 'HR'],
  ['23', '罗军', 'male', 'RND'],
  ['24', '梁宇', 'male', 'RND'],
  ['25', '宋佳', 'female', 'RND'],
  ['26', '郑浩', 'male', 'RND'],
  ['27', '谢婷', 'female', 'BJ-SALES'],
  ['28', '韩冰', 'male', 'BJ-SALES'],
  ['29', '唐雨', 'female', 'BJ-SALES'],
  ['30', 'Michael Zhou', 'male', 'BJ-SALES'],
];

const employees: Emp[] = people.map(([n, name, gender, dept], i) => ({
  code: `XC${n}`,
  name,
  departmentId: `@${dept}`,
  gender,
  birthday: `${1975 + (i % 22)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
  mobile: `1380013${String(8000 + i).padStart(4, '0')}`,
  email: `${name.toLowerCase().replace(/[^a-z]/g, '') || `staff${n}`}@xingchen.example`,
  extension: String(800 + i),
  category: i % 10 === 9 ? 'partTime' : 'fullTime',
}));

export const demoCompany = {
  organisations: [
    { code: 'XC', name: '星辰科技集团 Xingchen Technology Group', kind: 'group', phone: '+86 21 5555 0000', address: '上海市浦东新区世纪大道 100 号' },
    { code: 'XC-SH', name: '星辰科技（上海）有限公司', kind: 'subsidiary', parentId: '@XC', phone: '+86 21 5555 0100', address: '上海市徐汇区漕溪北路 88 号' },
    { code: 'XC-BJ', name: '星辰科技北京分公司 Beijing Branch', kind: 'branch', parentId: '@XC', phone: '+86 10 6666 0200', address: '北京市朝阳区建国路 1 号' },
  ],
  departments: [
    { code: 'GM', name: '总经理办公室 General Management', organisationId: '@XC', kind: 'management' },
    { code: 'SALES', name: '销售部 Sales', organisationId: '@XC-SH', parentId: '@GM', kind: 'sales' },
    { code: 'SALES-E', name: '华东销售组 East China Sales', organisationId: '@XC-SH', parentId: '@SALES', kind: 'sales' },
    { code: 'SALES-N', name: '华北销售组 North China Sales', organisationId: '@XC-SH', parentId: '@SALES', kind: 'sales' },
    { code: 'SERVICE', name: '客户服务部 Customer Service', organisationId: '@XC-SH', parentId: '@GM', kind: 'service' },
    { code: 'MKT', name: '市场部 Marketing', organisationId: '@XC-SH', parentId: '@GM', kind: 'marketing' },
    { code: 'FIN', name: '财务部 Finance', organisationId: '@XC', parentId: '@GM', kind: 'finance' },
    { code: 'HR', name: '人力资源部 Human Resources', organisationId: '@XC', parentId: '@GM', kind: 'hr' },
    { code: 'RND', name: '研发部 R&D', organisationId: '@XC-SH', parentId: '@GM', kind: 'rnd' },
    { code: 'BJ-SALES', name: '北京销售部 Beijing Sales', organisationId: '@XC-BJ', parentId: '@SALES', kind: 'sales' },
  ],
  employees,
  /** department code → employee code of its manager */
  managers: {
    GM: 'XC01',
    SALES: 'XC03',
    'SALES-E': 'XC04',
    'SALES-N': 'XC08',
    SERVICE: 'XC12',
    MKT: 'XC16',
    FIN: 'XC19',
    HR: 'XC21',
    RND: 'XC23',
    'BJ-SALES': 'XC27',
  } as Record<string, string>,
  users: [
    { login: 'wangjg', employee: 'XC01', groups: ['administrators', 'managers'], locale: 'zh-CN' as const },
    { login: 'emily', employee: 'XC02', groups: ['managers'], locale: 'en' as const },
    { login: 'lina', employee: 'XC03', groups: ['managers'], locale: 'zh-CN' as const },
    { login: 'zhangwei', employee: 'XC04', groups: ['managers'], locale: 'zh-CN' as const },
    { login: 'liuyang', employee: 'XC05', groups: ['staff'], locale: 'zh-CN' as const },
    { login: 'chenjing', employee: 'XC06', groups: ['staff'], locale: 'zh-CN' as const },
    { login: 'david', employee: 'XC11', groups: ['staff'], locale: 'en' as const },
    { login: 'wufang', employee: 'XC12', groups: ['managers'], locale: 'zh-CN' as const },
    { login: 'sophie', employee: 'XC18', groups: ['staff'], locale: 'en' as const },
    { login: 'xieting', employee: 'XC27', groups: ['managers'], locale: 'zh-CN' as const },
  ],
};
