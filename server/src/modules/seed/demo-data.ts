import { BuiltinRole, OrgType, SettlementMethod } from '@drp/shared';

/**
 * The demo company of ARCHITECTURE §10: HQ, three branches (one office nested under Beijing),
 * 14 dealers (one with a sub-dealer), and the demo accounts. Later capabilities add their data
 * in their own seed steps.
 */
export const DEMO_PASSWORD = 'Demo#2026';

export interface DemoOrg {
  code: string;
  name: string;
  type: OrgType;
  parent: string | null;
  contact?: string;
  phone?: string;
  address?: string;
  region?: string;
  lng?: number;
  lat?: number;
  level?: number;
  settlement?: SettlementMethod;
}

export const DEMO_ORGS: DemoOrg[] = [
  { code: 'HQ', name: '总部', type: OrgType.HQ, parent: null, contact: '周总', phone: '010-88886666', address: '北京市海淀区中关村大街1号', region: '北京市', lng: 116.3105, lat: 39.9837 },
  { code: 'BJ', name: '北京分公司', type: OrgType.BRANCH, parent: 'HQ', contact: '王经理', phone: '010-66668888', address: '北京市朝阳区建国路88号', region: '北京市', lng: 116.4716, lat: 39.9087 },
  { code: 'BJ-CY', name: '朝阳办事处', type: OrgType.BRANCH, parent: 'BJ', contact: '李主任', phone: '010-65556677', address: '北京市朝阳区望京街10号', region: '北京市朝阳区', lng: 116.4801, lat: 39.9965 },
  { code: 'SH', name: '上海分公司', type: OrgType.BRANCH, parent: 'HQ', contact: '陈经理', phone: '021-55556666', address: '上海市浦东新区世纪大道100号', region: '上海市', lng: 121.5074, lat: 31.2352 },
  { code: 'GZ', name: '广州办事处', type: OrgType.BRANCH, parent: 'HQ', contact: '黄主任', phone: '020-38889999', address: '广州市天河区天河路385号', region: '广东省广州市', lng: 113.3245, lat: 23.1371 },
  { code: 'D-BJ001', name: '北京华联商贸有限公司', type: OrgType.DEALER, parent: 'BJ', contact: '赵立', phone: '13801010001', address: '北京市东城区王府井大街200号', region: '北京市东城区', lng: 116.4109, lat: 39.9139, level: 2, settlement: SettlementMethod.CREDIT_DAYS },
  { code: 'D-BJ001-01', name: '通州华联分销点', type: OrgType.DEALER, parent: 'D-BJ001', contact: '钱进', phone: '13801010011', address: '北京市通州区新华大街50号', region: '北京市通州区', lng: 116.6565, lat: 39.9097, level: 4, settlement: SettlementMethod.CASH },
  { code: 'D-BJ002', name: '北京京客隆超市', type: OrgType.DEALER, parent: 'BJ', contact: '孙梅', phone: '13801010002', address: '北京市朝阳区朝外大街16号', region: '北京市朝阳区', lng: 116.4424, lat: 39.9227, level: 3, settlement: SettlementMethod.MONTHLY },
  { code: 'D-BJ003', name: '海淀百货批发部', type: OrgType.DEALER, parent: 'BJ', contact: '周强', phone: '13801010003', address: '北京市海淀区学院路30号', region: '北京市海淀区', lng: 116.3556, lat: 39.9918, level: 5, settlement: SettlementMethod.CASH },
  { code: 'D-BJ004', name: '望京便利连锁', type: OrgType.DEALER, parent: 'BJ-CY', contact: '吴芳', phone: '13801010004', address: '北京市朝阳区阜通东大街6号', region: '北京市朝阳区', lng: 116.4806, lat: 39.9935, level: 4, settlement: SettlementMethod.MONTHLY },
  { code: 'D-SH001', name: '上海联华商贸有限公司', type: OrgType.DEALER, parent: 'SH', contact: '郑浩', phone: '13902020001', address: '上海市黄浦区南京东路300号', region: '上海市黄浦区', lng: 121.4844, lat: 31.2397, level: 2, settlement: SettlementMethod.CREDIT_DAYS },
  { code: 'D-SH002', name: '浦东好又多批发', type: OrgType.DEALER, parent: 'SH', contact: '冯丽', phone: '13902020002', address: '上海市浦东新区张杨路500号', region: '上海市浦东新区', lng: 121.5258, lat: 31.2293, level: 3, settlement: SettlementMethod.MONTHLY },
  { code: 'D-SH003', name: '徐汇便民超市', type: OrgType.DEALER, parent: 'SH', contact: '陈晨', phone: '13902020003', address: '上海市徐汇区漕溪北路88号', region: '上海市徐汇区', lng: 121.4374, lat: 31.1952, level: 6, settlement: SettlementMethod.CASH },
  { code: 'D-SH004', name: '嘉定日用品商行', type: OrgType.DEALER, parent: 'SH', contact: '褚明', phone: '13902020004', address: '上海市嘉定区城中路20号', region: '上海市嘉定区', lng: 121.2437, lat: 31.3836, level: 7, settlement: SettlementMethod.CASH },
  { code: 'D-GZ001', name: '广州天河贸易行', type: OrgType.DEALER, parent: 'GZ', contact: '卫东', phone: '13703030001', address: '广州市天河区体育西路101号', region: '广东省广州市', lng: 113.3217, lat: 23.1355, level: 3, settlement: SettlementMethod.CREDIT_DAYS },
  { code: 'D-GZ002', name: '番禺万家批发', type: OrgType.DEALER, parent: 'GZ', contact: '蒋欣', phone: '13703030002', address: '广州市番禺区市桥街15号', region: '广东省广州市', lng: 113.3644, lat: 22.9377, level: 5, settlement: SettlementMethod.MONTHLY },
  { code: 'D-GZ003', name: '白云社区便利店', type: OrgType.DEALER, parent: 'GZ', contact: '沈静', phone: '13703030003', address: '广州市白云区机场路1200号', region: '广东省广州市', lng: 113.2707, lat: 23.1853, level: 8, settlement: SettlementMethod.CASH },
  { code: 'D-HQ001', name: '天津直营客户', type: OrgType.DEALER, parent: 'HQ', contact: '韩雪', phone: '13604040001', address: '天津市和平区南京路189号', region: '天津市', lng: 117.2010, lat: 39.1189, level: 1, settlement: SettlementMethod.CREDIT_DAYS },
];

export interface DemoUser {
  username: string;
  displayName: string;
  org: string;
  roles: BuiltinRole[];
  dealers?: string[];
  phone?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', org: 'HQ', roles: [BuiltinRole.HQ_ADMIN] },
  { username: 'hq.vp', displayName: '刘副总', org: 'HQ', roles: [BuiltinRole.HQ_EXECUTIVE], phone: '13900000001' },
  { username: 'bj.manager', displayName: '王建国', org: 'BJ', roles: [BuiltinRole.BRANCH_MANAGER], phone: '13900000011' },
  { username: 'bj.sales', displayName: '张伟', org: 'BJ', roles: [BuiltinRole.SALES_REP], dealers: ['D-BJ001', 'D-BJ002'], phone: '13900000012' },
  { username: 'bj.finance', displayName: '李娜', org: 'BJ', roles: [BuiltinRole.FINANCE], phone: '13900000013' },
  { username: 'bj.service', displayName: '赵敏', org: 'BJ', roles: [BuiltinRole.CUSTOMER_SERVICE], phone: '13900000014' },
  { username: 'sh.manager', displayName: '陈海', org: 'SH', roles: [BuiltinRole.BRANCH_MANAGER], phone: '13900000021' },
  { username: 'sh.sales', displayName: '林涛', org: 'SH', roles: [BuiltinRole.SALES_REP], dealers: ['D-SH001', 'D-SH002'], phone: '13900000022' },
  { username: 'bj.dealer1', displayName: '赵立', org: 'D-BJ001', roles: [BuiltinRole.DEALER_ADMIN], phone: '13801010001' },
  { username: 'bj.dealer2', displayName: '孙梅', org: 'D-BJ002', roles: [BuiltinRole.DEALER_ADMIN], phone: '13801010002' },
  { username: 'sh.dealer1', displayName: '郑浩', org: 'D-SH001', roles: [BuiltinRole.DEALER_ADMIN], phone: '13902020001' },
];
