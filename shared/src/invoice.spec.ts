import {
  blueNumberInRemark, classifyInvoiceQuery, InvoiceType, normalizeInvoiceCode, normalizeInvoiceNumber, parseInvoiceNumbers, parseInvoiceStatus, parseInvoiceType,
} from './invoice';

describe('invoice numbers', () => {
  it('digital invoices need a 20-digit number', () => {
    expect(parseInvoiceNumbers('81', { elecNumber: '25 1120 0000 0000 0001 23' })).toEqual({ ok: true, elecNumber: '25112000000000000123', code: null, number: null });
    expect(parseInvoiceNumbers('82', {})).toEqual({ ok: false, field: 'elecNumber', reason: 'MISSING' });
    expect(parseInvoiceNumbers('82', { elecNumber: '251120000000000001234' })).toEqual({ ok: false, field: 'elecNumber', reason: 'FORMAT' });
  });

  it('paper and old electronic invoices need a code of the type shape and an 8-digit number', () => {
    expect(parseInvoiceNumbers('01', { code: '1100191130', number: '123' })).toEqual({ ok: true, elecNumber: null, code: '1100191130', number: '00000123' });
    expect(parseInvoiceNumbers('10', { code: '44001900111', number: '12345678' })).toEqual({ ok: true, elecNumber: null, code: '044001900111', number: '12345678' });
    expect(parseInvoiceNumbers('01', { code: '1100191115', number: '12345678' })).toEqual({ ok: false, field: 'code', reason: 'FORMAT' });
    expect(parseInvoiceNumbers('01', { code: '044001900111', number: '12345678' })).toEqual({ ok: false, field: 'code', reason: 'FORMAT' });
    expect(parseInvoiceNumbers('04', { code: '044001900111', number: '12345678' }).ok).toBe(true);
    expect(parseInvoiceNumbers('04', { code: '1100191130', number: '123456789' })).toEqual({ ok: false, field: 'number', reason: 'FORMAT' });
    expect(parseInvoiceNumbers('04', { code: '1100191130' })).toEqual({ ok: false, field: 'number', reason: 'MISSING' });
  });

  it('restores leading zeros a spreadsheet dropped', () => {
    expect(normalizeInvoiceCode(44001900111, '10')).toBe('044001900111');
    expect(normalizeInvoiceCode('44001900111.0')).toBe('044001900111');
    expect(normalizeInvoiceCode('1100191130')).toBe('1100191130');
    expect(normalizeInvoiceNumber(123)).toBe('00000123');
    expect(normalizeInvoiceNumber('0012-3456')).toBe('00123456');
  });

  it('reads types and statuses as the platform writes them', () => {
    expect(parseInvoiceType('数电发票（增值税专用发票）')).toBe(InvoiceType.ELEC_SPECIAL);
    expect(parseInvoiceType('数电发票(普通发票)')).toBe(InvoiceType.ELEC_NORMAL);
    expect(parseInvoiceType('4')).toBe(InvoiceType.NORMAL);
    expect(parseInvoiceType('99')).toBeUndefined();
    expect(parseInvoiceStatus('已红冲-部分')).toBe('RED_PARTIAL');
    expect(parseInvoiceStatus('已红冲—全额')).toBe('RED_FULL');
    expect(parseInvoiceStatus('正常')).toBe('NORMAL');
  });

  it('finds the blue number in a red invoice remark', () => {
    expect(blueNumberInRemark('被红冲蓝字数电票号码：25112000000000000123 红字发票信息确认单编号：11111111111111111111')).toBe('25112000000000000123');
    expect(blueNumberInRemark('退货')).toBeNull();
  });
});

describe('the search box', () => {
  it('understands each kind of query', () => {
    expect(classifyInvoiceQuery('25112000000000000123')).toMatchObject({ kind: 'ELEC', elecNumber: '25112000000000000123' });
    expect(classifyInvoiceQuery(' 12345678 ')).toEqual({ kind: 'NUMBER', number: '12345678' });
    expect(classifyInvoiceQuery('044001900111 12345678')).toEqual({ kind: 'CODE_NUMBER', code: '044001900111', number: '12345678' });
    expect(classifyInvoiceQuery('044001900111    12345678')).toEqual({ kind: 'CODE_NUMBER', code: '044001900111', number: '12345678' });
    expect(classifyInvoiceQuery('1100191130-00000123')).toEqual({ kind: 'CODE_NUMBER', code: '1100191130', number: '00000123' });
    expect(classifyInvoiceQuery('110019113000000123')).toEqual({ kind: 'CODE_NUMBER', code: '1100191130', number: '00000123' });
    expect(classifyInvoiceQuery('91350100m000100y43')).toEqual({ kind: 'TAX_ID', taxId: '91350100M000100Y43' });
    expect(classifyInvoiceQuery('北京华联')).toEqual({ kind: 'NAME', text: '北京华联' });
    expect(classifyInvoiceQuery('')).toEqual({ kind: 'NONE' });
    expect(classifyInvoiceQuery('1234')).toEqual({ kind: 'NAME', text: '1234' });
  });
});
