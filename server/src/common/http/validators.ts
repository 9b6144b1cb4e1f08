import { IsDateString, Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { Dec, isDecimalString } from '@drp/shared';

/**
 * A decimal string ("12.5000") with at most `scale` decimals, optionally bounded. Money and
 * quantities travel as strings so no client float can round them.
 */
export function IsDecimal(scale: number, opts: { min?: string; positive?: boolean; nullable?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isDecimal',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a decimal string with at most ${scale} decimals${opts.positive ? ', above 0' : opts.min !== undefined ? `, at least ${opts.min}` : ''}`,
        ...validationOptions,
      },
      validator: {
        validate(value: unknown) {
          if (value === null && opts.nullable) return true;
          if (!isDecimalString(value, scale)) return false;
          if (opts.positive && !new Dec(value).greaterThan(0)) return false;
          if (opts.min !== undefined && new Dec(value).lessThan(opts.min)) return false;
          return true;
        },
      },
    });
}

/** A business date `YYYY-MM-DD` that exists in the calendar. */
export const IsDay = () => (target: object, key: string) => {
  Matches(/^\d{4}-\d{2}-\d{2}$/, { message: `${key} must be a date YYYY-MM-DD` })(target, key);
  IsDateString({ strict: true })(target, key);
};
