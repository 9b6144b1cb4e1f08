import { StockControl } from './settings';
import { allocateFifo, shortageVerdict, shortLines, splitReservation, stockShortages } from './stock-control';

describe('stock at order time (可用量控制)', () => {
  it('stockShortages: per product, lines of one product summed, short only above what is available', () => {
    const lines = stockShortages(
      [
        { productId: 'a', qty: '2400' },
        { productId: 'b', qty: '10' },
        { productId: 'a', qty: '100' },
        { productId: 'c', qty: '5' },
      ],
      new Map([
        ['a', '194'],
        ['b', '10'],
      ]),
    );
    expect(lines).toEqual([
      { productId: 'a', ordered: '2500.000', available: '194.000', short: '2306.000' },
      { productId: 'b', ordered: '10.000', available: '10.000', short: '0.000' },
      // no stock row: nothing available
      { productId: 'c', ordered: '5.000', available: '0.000', short: '5.000' },
    ]);
    expect(shortLines(lines).map((l) => l.productId)).toEqual(['a', 'c']);
  });

  it('stockShortages: a negative available counts as none; typed garbage counts as 0 ordered', () => {
    expect(stockShortages([{ productId: 'a', qty: '3' }], { a: '-2' })).toEqual([{ productId: 'a', ordered: '3.000', available: '-2.000', short: '3.000' }]);
    expect(stockShortages([{ productId: 'a', qty: '' }, { productId: 'b', qty: 'abc' }], {})).toEqual([
      { productId: 'a', ordered: '0.000', available: '0.000', short: '0.000' },
      { productId: 'b', ordered: '0.000', available: '0.000', short: '0.000' },
    ]);
  });

  it('shortageVerdict follows the setting only when something is short', () => {
    const short = stockShortages([{ productId: 'a', qty: '5' }], { a: '1' });
    const enough = stockShortages([{ productId: 'a', qty: '1' }], { a: '1' });
    expect(shortageVerdict(StockControl.BLOCK, enough)).toBe('OK');
    expect(shortageVerdict(StockControl.BLOCK, short)).toBe('REFUSE');
    expect(shortageVerdict(StockControl.WARN, short)).toBe('CONFIRM');
    expect(shortageVerdict(StockControl.NONE, short)).toBe('BACKORDER');
  });

  it('splitReservation: reserve what is there, backorder the rest', () => {
    expect(splitReservation('2400', '194')).toEqual({ reserve: '194.000', backorder: '2206.000' });
    expect(splitReservation('10', '50')).toEqual({ reserve: '10.000', backorder: '0.000' });
    expect(splitReservation('10', '-3')).toEqual({ reserve: '0.000', backorder: '10.000' });
    expect(splitReservation('0', '5')).toEqual({ reserve: '0.000', backorder: '0.000' });
  });

  it('allocateFifo: oldest first, each takes what it waits for while stock lasts', () => {
    const queue = [
      { id: 'first', waiting: '30' },
      { id: 'second', waiting: '50' },
      { id: 'third', waiting: '10' },
    ];
    expect(allocateFifo('60', queue).map((x) => [x.item.id, x.qty])).toEqual([
      ['first', '30.000'],
      ['second', '30.000'],
    ]);
    expect(allocateFifo('500', queue).map((x) => x.qty)).toEqual(['30.000', '50.000', '10.000']);
    expect(allocateFifo('0', queue)).toEqual([]);
    expect(allocateFifo('-4', queue)).toEqual([]);
  });
});
