import { applyCost, costAmount, CostRow, fmtCost, inboundAverage, openingCost, taxInAmount, weightedCost } from './costing';

describe('moving weighted average cost', () => {
  it('inbound onto nothing takes the inbound cost; onto stock it averages (6 decimals, half up)', () => {
    expect(inboundAverage('0', '0', '100', '10')).toBe('10.000000');
    // (100 x 10 + 50 x 13) / 150 = 1650 / 150
    expect(inboundAverage('100', '10', '50', '13')).toBe('11.000000');
    // (2 x 1 + 1 x 2) / 3 = 1.3333...
    expect(inboundAverage('2', '1', '1', '2')).toBe('1.333333');
    // (1 x 0 + 2 x 1) / 3 = 0.6666...: rounds up
    expect(inboundAverage('1', '0', '2', '1')).toBe('0.666667');
    // on hand 0 (or below): the old average does not count
    expect(inboundAverage('0', '11.28125', '10', '7')).toBe('7.000000');
  });

  it('walks a hand-worked sequence: inbound, inbound, shipment, inbound, return, transfer, loss, gain', () => {
    let w1: CostRow = { onHand: '0.000', avgCost: '0' };
    let w2: CostRow = { onHand: '20.000', avgCost: '9' };
    const step = (row: CostRow, delta: string, unitCost?: string) => {
      const m = applyCost(row, delta, unitCost);
      return { row: { onHand: m.onHandAfter, avgCost: m.avgAfter }, m };
    };

    // 1. inbound 100 @ 10.00 onto nothing
    let s = step(w1, '100', '10.00');
    expect(s.m).toEqual({ unitCost: '10.000000', costDelta: '1000.00', avgAfter: '10.000000', onHandAfter: '100.000' });
    w1 = s.row;
    // 2. inbound 50 @ 13.00: (1000 + 650) / 150 = 11
    s = step(w1, '50', '13.00');
    expect(s.m).toEqual({ unitCost: '13.000000', costDelta: '650.00', avgAfter: '11.000000', onHandAfter: '150.000' });
    w1 = s.row;
    // 3. shipment of 30 leaves at the average; the average stays
    s = step(w1, '-30');
    expect(s.m).toEqual({ unitCost: '11.000000', costDelta: '-330.00', avgAfter: '11.000000', onHandAfter: '120.000' });
    const shippedAt = s.m.unitCost;
    w1 = s.row;
    // 4. inbound 30 @ 12.50: (1320 + 375) / 150 = 11.3 — the shipment's 11.000000 does not move
    s = step(w1, '30', '12.50');
    expect(s.m.avgAfter).toBe('11.300000');
    w1 = s.row;
    // 5. return of 10 comes back at the cost it left with: (1695 + 110) / 160 = 11.28125
    s = step(w1, '10', shippedAt);
    expect(s.m).toEqual({ unitCost: '11.000000', costDelta: '110.00', avgAfter: '11.281250', onHandAfter: '160.000' });
    w1 = s.row;
    // 6. transfer of 60 to W2: out at W1's average (676.875 -> 676.88), in at that same unit cost
    s = step(w1, '-60');
    expect(s.m).toEqual({ unitCost: '11.281250', costDelta: '-676.88', avgAfter: '11.281250', onHandAfter: '100.000' });
    w1 = s.row;
    const t = step(w2, '60', s.m.unitCost);
    // (20 x 9 + 60 x 11.28125) / 80 = 856.875 / 80 = 10.7109375 -> 10.710938
    expect(t.m).toEqual({ unitCost: '11.281250', costDelta: '676.88', avgAfter: '10.710938', onHandAfter: '80.000' });
    w2 = t.row;
    // 7. count loss of 5 at the average: 56.40625 -> -56.41
    s = step(w1, '-5');
    expect(s.m).toEqual({ unitCost: '11.281250', costDelta: '-56.41', avgAfter: '11.281250', onHandAfter: '95.000' });
    w1 = s.row;
    // 8. count gain of 5 without a cost: at the row's own average, which it keeps
    s = step(w1, '5');
    expect(s.m).toEqual({ unitCost: '11.281250', costDelta: '56.41', avgAfter: '11.281250', onHandAfter: '100.000' });
    w1 = s.row;
    // stock value = on hand x average, in cents
    expect(costAmount(w1.onHand, w1.avgCost)).toBe('1128.13');
    expect(costAmount(w2.onHand, w2.avgCost)).toBe('856.88');
  });

  it('an outbound that empties the row keeps the average; the next inbound starts afresh', () => {
    const out = applyCost({ onHand: '5', avgCost: '3.5' }, '-5');
    expect(out).toEqual({ unitCost: '3.500000', costDelta: '-17.50', avgAfter: '3.500000', onHandAfter: '0.000' });
    expect(applyCost({ onHand: out.onHandAfter, avgCost: out.avgAfter }, '2', '4').avgAfter).toBe('4.000000');
  });

  it('values amounts half up in cents, and weighs several parts by quantity', () => {
    expect(costAmount('3', '0.335')).toBe('1.01');
    expect(costAmount('1.5', '2.333333')).toBe('3.50');
    expect(weightedCost([{ qty: '3', unitCost: '10' }, { qty: '1', unitCost: '14' }])).toBe('11.000000');
    expect(weightedCost([])).toBe('0.000000');
    expect(fmtCost('1.0000005')).toBe('1.000001');
  });
});

describe('tax inside an amount and the opening cost', () => {
  it('tax = round_half_up(amount x rate / (1 + rate), 2)', () => {
    expect(taxInAmount('113.00', '0.13')).toBe('13.00');
    // 100 x 0.13 / 1.13 = 11.5044...
    expect(taxInAmount('100.00', '0.13')).toBe('11.50');
    // 0.05 x 0.13 / 1.13 = 0.005752... -> 0.01
    expect(taxInAmount('0.05', '0.13')).toBe('0.01');
    expect(taxInAmount('58.30', '0')).toBe('0.00');
  });

  it('opening cost: level-10 price x 0.85 in cents, else base price x 0.60', () => {
    // 71.50 x 0.85 = 60.775 -> 60.78
    expect(openingCost('71.5000', '100.0000')).toBe('60.780000');
    expect(openingCost(null, '100.0000')).toBe('60.000000');
  });
});
