import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Min, validate, ValidateNested } from 'class-validator';
import { plainToInstance, Type } from 'class-transformer';
import { memoizeValidationMetadata } from './validation-metadata';

class Base {
  @IsString()
  name!: string;
}

class Line {
  @IsInt()
  @Min(1)
  qty!: number;
}

class Doc extends Base {
  @IsOptional()
  @IsInt()
  page?: number;

  @ValidateNested({ each: true })
  @Type(() => Line)
  lines: Line[] = [];
}

const errorsOf = async (plain: object) => {
  const errors = await validate(plainToInstance(Doc, plain), { whitelist: true, forbidNonWhitelisted: true });
  return JSON.stringify(errors.map((e) => ({ property: e.property, constraints: e.constraints, children: e.children?.map((c) => JSON.stringify(c.children?.map((g) => g.constraints))) })));
};

const inputs = [
  { name: 'a', page: 1, lines: [{ qty: 2 }] },
  { name: 3, page: 'x', lines: [{ qty: 0 }, { qty: 'y' }] },
  { name: 'a', extra: true, lines: [] },
  { lines: [{ qty: 1, more: 1 }] },
];

describe('memoizeValidationMetadata', () => {
  it('validates exactly as class-validator does without it (own, inherited and nested rules, unknown fields)', async () => {
    const before = await Promise.all(inputs.map(errorsOf));
    expect(before[0]).toBe('[]');
    expect(before[1]).toContain('isString');
    expect(before[2]).toContain('whitelistValidation');
    memoizeValidationMetadata();
    memoizeValidationMetadata(); // installs once
    expect(await Promise.all(inputs.map(errorsOf))).toEqual(before);
    expect(await Promise.all(inputs.map(errorsOf))).toEqual(before); // from the remembered rules
  });

  it('sees the rules of a class decorated after it was installed', async () => {
    memoizeValidationMetadata();
    expect(await validate(plainToInstance(Doc, { name: 'a', lines: [] }))).toEqual([]);
    class Later {
      @IsInt()
      n!: number;
    }
    const errors = await validate(plainToInstance(Later, { n: 'no' }));
    expect(errors.map((e) => Object.keys(e.constraints ?? {}))).toEqual([['isInt']]);
    expect(await validate(plainToInstance(Later, { n: 1 }))).toEqual([]);
  });

  it('forgets what it remembered when a rule is added to a class already validated', async () => {
    memoizeValidationMetadata();
    class Grown {
      @IsInt()
      n!: number;
      m?: unknown;
    }
    expect(await validate(plainToInstance(Grown, { n: 1, m: 'text' }))).toEqual([]);
    IsInt()(Grown.prototype, 'm'); // a rule added afterwards, as a late-loading decorator would
    const errors = await validate(plainToInstance(Grown, { n: 1, m: 'text' }));
    expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['m', ['isInt']]]);
  });
});
