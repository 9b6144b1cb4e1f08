import { DayReport, ReplenishmentMethod, ReplenishmentParams, replenishmentLine, roundUpOrder } from './replenishment';

const TODAY = '2026-12-01'; // the window of 30 days is 2026-11-01 .. 2026-11-30
const days = (from: string, n: number, stock: string, sold: string): DayReport[] =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return { date: d.toISOString().slice(0, 10), stock, sold };
  });
const params = (over: Partial<ReplenishmentParams> = {}): ReplenishmentParams => ({ method: ReplenishmentMethod.TURNOVER, windowDays: 30, turnoverDays: 15, leadDays: 3, safetyStock: '0', ...over });
const line = (reports: DayReport[], over: Partial<Parameters<typeof replenishmentLine>[0]> = {}) =>
  replenishmentLine({ today: TODAY, reports, lastReplenishmentDate: null, openSupply: '0', orderMultiple: '1', minOrderQty: '1', params: params(), ...over });

describe('replenishment rule', () => {
  const tenDays = days('2026-11-21', 10, '50', '4'); // 11-21 .. 11-30, 4 a day, 50 on hand

  it('周转补货: average x (turnover + lead) + safety - current - open supply', () => {
    expect(line(tenDays)).toMatchObject({ status: 'SUGGESTED', usableDays: 10, stockoutDays: 0, avgDaily: '4.0000', currentStock: '50.000', target: '72.0000', rawQty: '22.0000', qty: '22.000' });
    expect(line(tenDays, { params: params({ safetyStock: '6' }) })).toMatchObject({ target: '78.0000', rawQty: '28.0000', qty: '28.000' });
  });

  it('a stock-out week is left out of the average, its sales and its days alike (not read as "sells nothing")', () => {
    const reports = [...days('2026-11-17', 7, '20', '5'), ...days('2026-11-24', 7, '0', '0')];
    // with the stock-out days the average would be 35 / 14 = 2.5; without them it is 5
    expect(line(reports)).toMatchObject({ status: 'SUGGESTED', usableDays: 7, stockoutDays: 7, avgDaily: '5.0000', currentStock: '0.000', rawQty: '90.0000', qty: '90.000' });
  });

  it('unreported days are left out too; fewer than 7 usable days gives INSUFFICIENT_DATA and no quantity', () => {
    const six = [...days('2026-11-20', 6, '10', '3'), ...days('2026-11-26', 5, '0', '1')];
    expect(line(six)).toMatchObject({ status: 'INSUFFICIENT_DATA', usableDays: 6, stockoutDays: 5, qty: '0.000' });
    // reports before the window or on the run's day do not count as window days
    const outside = [...days('2026-10-01', 20, '10', '3'), ...days('2026-11-25', 6, '10', '3'), { date: TODAY, stock: '10', sold: '3' }];
    expect(line(outside)).toMatchObject({ status: 'INSUFFICIENT_DATA', usableDays: 6 });
  });

  it('open supply that covers the need gives no line', () => {
    expect(line(tenDays, { openSupply: '22' })).toBeNull();
    expect(line(tenDays, { openSupply: '21' })).toMatchObject({ rawQty: '1.0000', qty: '1.000' });
  });

  it('rounds up to a pack of 24, and to at least the minimum order quantity', () => {
    expect(line(tenDays, { orderMultiple: '24' })).toMatchObject({ rawQty: '22.0000', qty: '24.000' });
    expect(line(tenDays, { orderMultiple: '24', openSupply: '-3' })).toMatchObject({ rawQty: '25.0000', qty: '48.000' });
    expect(line(tenDays, { minOrderQty: '30' })).toMatchObject({ rawQty: '22.0000', qty: '30.000' });
    expect(roundUpOrder('0.1', '6', '0').toString()).toBe('6');
    expect(roundUpOrder('12', '6', '0').toString()).toBe('12');
    expect(roundUpOrder('5', '0', '2').toString()).toBe('5'); // a missing multiple counts as 1
  });

  it('the average keeps 4 decimals, half up', () => {
    const reports = [...days('2026-11-24', 6, '9', '1'), { date: '2026-11-30', stock: '9', sold: '4' }]; // 10 / 7 = 1.428571...
    expect(line(reports, { params: params({ turnoverDays: 10, leadDays: 0 }) })).toMatchObject({
      avgDaily: '1.4286', target: '14.2860', currentStock: '9.000', rawQty: '5.2860', qty: '6.000',
    });
  });

  it('销一补一: sold after the last replenishment order (stock-out days count, not limited to the window) - open supply', () => {
    const reports = [...tenDays.slice(0, 7), { date: '2026-11-28', stock: '0', sold: '3' }, ...days('2026-11-29', 2, '50', '4')];
    const s1 = params({ method: ReplenishmentMethod.SELL_ONE_REPLACE_ONE });
    // after 2026-11-27: 3 + 4 + 4 = 11
    expect(line(reports, { params: s1, lastReplenishmentDate: '2026-11-27', openSupply: '2' })).toMatchObject({ soldSinceLast: '11.000', rawQty: '9.0000', qty: '9.000' });
    // no replenishment order: the whole window, 7 x 4 + 3 + 8 = 39
    expect(line(reports, { params: s1 })).toMatchObject({ soldSinceLast: '39.000', rawQty: '39.0000' });
    // an order before the window reaches further back than the window
    const long = [...days('2026-10-20', 12, '50', '1'), ...tenDays];
    expect(line(long, { params: s1, lastReplenishmentDate: '2026-10-25' })).toMatchObject({ soldSinceLast: '46.000' }); // 6 x 1 + 10 x 4
    expect(line(tenDays, { params: s1, lastReplenishmentDate: '2026-11-30' })).toBeNull();
  });

  it('销存差: sold over the window - current stock - open supply', () => {
    const diff = params({ method: ReplenishmentMethod.SALES_STOCK_DIFF });
    expect(line(tenDays, { params: diff })).toBeNull(); // 40 - 50
    const low = [...tenDays.slice(0, 9), { date: '2026-11-30', stock: '10', sold: '4' }];
    expect(line(low, { params: diff, openSupply: '5' })).toMatchObject({ windowSold: '40.000', currentStock: '10.000', rawQty: '25.0000', qty: '25.000' });
  });

  it('current stock is the latest report, even one made on the run day', () => {
    expect(line([...tenDays, { date: TODAY, stock: '70', sold: '1' }])).toMatchObject({ currentStock: '70.000', avgDaily: '4.0000', rawQty: '2.0000', qty: '2.000' });
    expect(line([...tenDays, { date: TODAY, stock: '72', sold: '1' }])).toBeNull();
  });
});
