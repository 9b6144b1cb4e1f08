#!/usr/bin/env node
// `node scripts/make-platform-export.mjs [out.xlsx]`: writes a sample of the tax platform's
// 全量发票查询 export (e2e/fixtures/platform-export-sample.xlsx by default) as the platform writes it:
// a merged title row, the header, numeric cells for codes, numbers and amounts (a 12-digit code
// loses its leading zero), dates as dates, a blank row, a totals row with SUM formulas, and the
// 信息汇总表 line sheet beside 发票基础信息. Reconciled against the demo data (server/src/modules/seed/
// invoice-demo.ts, RECON_SAMPLE and DEMO_TAX_IDS: keep them in step) it shows ONE finding of every
// category: MATCHED, MISSING_IN_SYSTEM (+ INVALID_TAX_ID on the same row), MISSING_ON_PLATFORM,
// AMOUNT_MISMATCH, STATUS_MISMATCH, DUPLICATE, RED_WITHOUT_BLUE.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.resolve(process.argv[2] ?? path.join(root, 'e2e/fixtures/platform-export-sample.xlsx'));

const SELLER = { taxId: '91110108MA01DRP0HD', name: '总部' };
const BUYERS = {
  'D-BJ001': { taxId: '91110101MA01HL001Y', name: '北京华联商贸有限公司' },
  'D-BJ002': { taxId: '91110105MA01JKL02X', name: '北京京客隆超市' },
  'D-SH001': { taxId: '91310101MA1LH00013', name: '上海联华商贸有限公司' },
  NEW: { taxId: '91110105MA01XK0050', name: '北京新客户商贸有限公司' }, // a wrong check character (the right one is not 0)
};
const day = (d) => new Date(Date.UTC(2026, 5, d, 2, 30, 0));
const ELEC_SPECIAL = '数电发票（增值税专用发票）';
const ELEC_NORMAL = '数电发票（普通发票）';

/** the rows: what each reconciles to against the demo data */
const rows = [
  // MATCHED: an old electronic 普票 whose code 011001900211 and number 00012345 a spreadsheet turned into numbers
  { code: 11001900211, number: 12345, elec: null, buyer: 'D-BJ001', date: day(3), amount: 1000, tax: 130, total: 1130, type: '增值税电子普通发票', status: '正常', positive: '是' },
  // AMOUNT_MISMATCH: the system has tax 65.00
  { elec: '26112000000000900002', buyer: 'D-BJ002', date: day(5), amount: 500, tax: 66, total: 566, type: ELEC_SPECIAL, status: '正常', positive: '是' },
  // STATUS_MISMATCH: the system shows it 正常
  { elec: '26112000000000900003', buyer: 'D-SH001', date: day(8), amount: 200, tax: 26, total: 226, type: ELEC_NORMAL, status: '已红冲-全额', positive: '是' },
  // DUPLICATE: the same invoice twice in the export
  { elec: '26112000000000900003', buyer: 'D-SH001', date: day(8), amount: 200, tax: 26, total: 226, type: ELEC_NORMAL, status: '已红冲-全额', positive: '是' },
  // MISSING_IN_SYSTEM, and INVALID_TAX_ID: a buyer id with a wrong check character
  { elec: '26112000000000900005', buyer: 'NEW', date: day(15), amount: 2000, tax: 260, total: 2260, type: ELEC_SPECIAL, status: '正常', positive: '是' },
  // RED_WITHOUT_BLUE: a red invoice whose blue original is in neither the system nor this file
  { elec: '26112000000000900006', buyer: 'D-BJ001', date: day(20), amount: -100, tax: -13, total: -113, type: ELEC_NORMAL, status: '正常', positive: '否',
    remark: '被红冲蓝字数电票号码：26112000000000800001 红字发票信息确认单编号：11010026062000000001' },
];
// MISSING_ON_PLATFORM: 26112000000000900004 (2026-06-12) is in the system and absent here

const HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '发票风险等级', '开票人', '备注'];
const wb = new ExcelJS.Workbook();
wb.creator = '全国统一规范电子税务局';
wb.created = new Date(Date.UTC(2026, 6, 1));
const ws = wb.addWorksheet('发票基础信息');
ws.addRow(['全量发票查询（开具） 开票日期：2026-06-01 至 2026-06-30']);
ws.mergeCells(1, 1, 1, HEAD.length);
ws.getRow(1).font = { bold: true, size: 14 };
ws.addRow(HEAD).font = { bold: true };
rows.forEach((r, i) => {
  const b = BUYERS[r.buyer];
  const row = ws.addRow([i + 1, r.code ?? null, r.number ?? null, r.elec, SELLER.taxId, SELLER.name, b.taxId, b.name, r.date, r.amount, r.tax, r.total,
    '电子发票服务平台', r.type, r.status, r.positive, '正常', '李娜', r.remark ?? null]);
  row.getCell(9).numFmt = 'yyyy-mm-dd hh:mm:ss';
  for (const c of [10, 11, 12]) row.getCell(c).numFmt = '#,##0.00';
  if (i === 2) ws.addRow([]);
});
ws.addRow([]);
const last = ws.rowCount;
const totals = ws.addRow(['合计']);
for (const [c, key] of [[10, 'amount'], [11, 'tax'], [12, 'total']]) {
  const letter = String.fromCharCode(64 + c);
  totals.getCell(c).value = { formula: `SUM(${letter}3:${letter}${last})`, result: rows.reduce((a, r) => a + r[key], 0) };
}
ws.columns.forEach((col, i) => (col.width = [4, 14, 10, 24, 22, 24, 22, 26, 20].at(i) ?? 14));

const lines = wb.addWorksheet('信息汇总表');
const LHEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '税收分类编码', '特定业务类型', '货物或应税劳务名称', '规格型号', '单位', '数量', '单价', '金额', '税率', '税额', '价税合计'];
lines.addRow(['全量发票查询（开具）明细']);
lines.mergeCells(1, 1, 1, LHEAD.length);
lines.addRow(LHEAD);
rows.forEach((r, i) => {
  const b = BUYERS[r.buyer];
  const row = lines.addRow([i + 1, r.code ?? null, r.number ?? null, r.elec, SELLER.taxId, SELLER.name, b.taxId, b.name, r.date, '1030204000000000000', null, '*饮料*饮用天然水',
    '550ml*24', '箱', r.positive === '是' ? 10 : -1, Math.abs(r.amount) / (r.positive === '是' ? 10 : 1), r.amount, 0.13, r.tax, r.total]);
  row.getCell(9).numFmt = 'yyyy-mm-dd';
});
await wb.xlsx.writeFile(out);
console.log(`wrote ${path.relative(process.cwd(), out)}: ${rows.length} invoice rows`);
