import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../config/config';
import type { DbService } from '../../database/db.service';
import { bearerToken, JwtStrategy, VerifiedTokens } from './jwt.strategy';

describe('bearerToken reads the header as passport-jwt did', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER   abc', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['', null],
    [undefined, null],
  ])('%p -> %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('VerifiedTokens', () => {
  const payload = (exp?: number, extra: object = {}) => ({ sub: 'u', sid: 's', ...(exp === undefined ? {} : { exp }), ...extra });

  it('answers a remembered token until the second its exp names, then forgets it', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t', payload(1000));
    expect(tokens.get('t', 999)).toEqual(payload(1000));
    expect(tokens.get('t', 1000)).toBeUndefined();
    expect(tokens.get('t', 999)).toBeUndefined(); // gone, not only hidden
  });

  it('keeps no token without a numeric exp, nor one with nbf', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('none', payload());
    tokens.remember('text', payload(undefined, { exp: '2000' }));
    tokens.remember('nbf', payload(2000, { nbf: 10 }));
    expect(tokens.get('none', 1)).toBeUndefined();
    expect(tokens.get('text', 1)).toBeUndefined();
    expect(tokens.get('nbf', 1)).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const tokens = new VerifiedTokens(2);
    tokens.remember('a', payload(10));
    tokens.remember('b', payload(10));
    tokens.remember('c', payload(10));
    expect(tokens.get('a', 1)).toBeUndefined();
    expect(tokens.get('b', 1)).toBeDefined();
    expect(tokens.get('c', 1)).toBeDefined();
  });
});

describe('JwtStrategy.authenticate', () => {
  const secret = 'x'.repeat(48);
  const jwt = new JwtService({ secret });
  const user = { id: 'u1' };
  const make = () => {
    const strategy = new JwtStrategy({ jwtSecret: secret } as AppConfig, {} as DbService, jwt);
    const validate = jest.spyOn(strategy, 'validate').mockResolvedValue(user as never);
    return { strategy, validate };
  };

  it('verifies the signature once per token and hands the payload on every time', async () => {
    const { strategy, validate } = make();
    const token = jwt.sign({ sub: 'u1', sid: 's1' }, { expiresIn: 60 });
    const verify = jest.spyOn(jwt, 'verify');
    expect(await strategy.authenticate(`Bearer ${token}`)).toBe(user);
    expect(await strategy.authenticate(`Bearer ${token}`)).toBe(user);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(validate).toHaveBeenCalledTimes(2);
    expect(validate.mock.calls[1][0]).toMatchObject({ sub: 'u1', sid: 's1' });
    verify.mockRestore();
  });

  it('refuses a token signed with another key, an expired one, another algorithm and no token, without asking for the principal', async () => {
    const { strategy, validate } = make();
    const other = new JwtService({ secret: 'y'.repeat(48) }).sign({ sub: 'u1', sid: 's1' }, { expiresIn: 60 });
    const expired = jwt.sign({ sub: 'u1', sid: 's1', exp: Math.floor(Date.now() / 1000) - 1 });
    const hs512 = jwt.sign({ sub: 'u1', sid: 's1' }, { expiresIn: 60, algorithm: 'HS512' });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"u1","sid":"s1"}').toString('base64url')}.`;
    for (const header of [`Bearer ${other}`, `Bearer ${expired}`, `Bearer ${hs512}`, `Bearer ${unsigned}`, 'Bearer not-a-jwt', undefined]) {
      expect(await strategy.authenticate(header)).toBeNull();
    }
    expect(validate).not.toHaveBeenCalled();
  });

  it('a remembered token stops working when it expires', async () => {
    const { strategy } = make();
    const now = Date.now();
    const token = jwt.sign({ sub: 'u1', sid: 's1', exp: Math.floor(now / 1000) + 2 });
    expect(await strategy.authenticate(`Bearer ${token}`)).toBe(user);
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 3000);
    try {
      expect(await strategy.authenticate(`Bearer ${token}`)).toBeNull();
    } finally {
      clock.mockRestore();
    }
  });

  it('keys the cache by the whole token: a changed signature is checked, not taken from the cache', async () => {
    const { strategy } = make();
    const token = jwt.sign({ sub: 'u1', sid: 's1' }, { expiresIn: 60 });
    expect(await strategy.authenticate(`Bearer ${token}`)).toBe(user);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await strategy.authenticate(`Bearer ${forged}`)).toBeNull();
  });
});
