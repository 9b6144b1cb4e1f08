import { describe, expect, it } from 'vitest';
import { classifySearch, cleanNumbers, digitsOnly, invoiceLabel, isDigital, isPaper, numberProblems } from './numbers';

describe('invoice numbers by type', () => {
  it('数电 types need 20 digits, nothing else', () => {
    expect(isDigital('81')).toBe(true);
    expect(isDigital('01')).toBe(false);
    expect(numberProblems('81', { elecNumber: '26112000000012345678' })).toEqual([]);
    expect(numberProblems('82', { elecNumber: '2611 2000 0000 1234 5678' })).toEqual([]);
    expect(numberProblems('81', { elecNumber: '' })).toEqual([{ field: 'elecNumber', problem: 'REQUIRED' }]);
    expect(numberProblems('81', { elecNumber: '2611200000001234567' })).toEqual([{ field: 'elecNumber', problem: 'LENGTH_20' }]);
    expect(numberProblems('81', { elecNumber: '2611200000001234567X' })).toEqual([{ field: 'elecNumber', problem: 'LENGTH_20' }]);
  });

  it('old types need a code of their type and an 8-digit number', () => {
    // 01 专票: 10-digit code (copies digit 2-9, ceiling 0-4)
    expect(numberProblems('01', { code: '1100261130', number: '12345678' })).toEqual([]);
    expect(numberProblems('01', { code: '1100261110', number: '12345678' })).toEqual([{ field: 'code', problem: 'CODE', lengths: '10' }]);
    expect(numberProblems('01', { code: '044001900111', number: '12345678' })).toEqual([{ field: 'code', problem: 'CODE', lengths: '10' }]);
    // 12-digit codes start with 0; 04 普票 takes either length
    expect(numberProblems('10', { code: '044001900111', number: '12345678' })).toEqual([]);
    expect(numberProblems('10', { code: '144001900111', number: '12345678' })).toEqual([{ field: 'code', problem: 'CODE', lengths: '12' }]);
    expect(numberProblems('10', { code: '44001900111', number: '12345678' })).toEqual([{ field: 'code', problem: 'CODE', lengths: '12' }]);
    expect(numberProblems('04', { code: '1100261630', number: '12345678' })).toEqual([]);
    expect(numberProblems('04', { code: '044001900104', number: '12345678' })).toEqual([]);
    expect(numberProblems('10', { code: '', number: '1234567' })).toEqual([
      { field: 'code', problem: 'REQUIRED', lengths: '12' },
      { field: 'number', problem: 'LENGTH_8' },
    ]);
    expect(numberProblems('10', { code: '044001900111', number: '' })).toEqual([{ field: 'number', problem: 'REQUIRED' }]);
    expect(numberProblems('', {})).toEqual([]);
  });

  it('cleans and labels numbers', () => {
    expect(digitsOnly(' 0440-0190 0111 ')).toBe('044001900111');
    expect(cleanNumbers('10', { code: '0440 0190 0111', number: '1234 5678', elecNumber: 'x' })).toEqual({ code: '044001900111', number: '12345678' });
    expect(cleanNumbers('81', { elecNumber: '2611 2000 0000 1234 5678', code: '1' })).toEqual({ elecNumber: '26112000000012345678' });
    expect(invoiceLabel({ elecNumber: '26112000000012345678' })).toBe('26112000000012345678');
    expect(invoiceLabel({ code: '044001900111', number: '12345678' })).toBe('044001900111 12345678');
    expect(isPaper('01')).toBe(true);
    expect(isPaper('11')).toBe(true);
    expect(isPaper('81')).toBe(false);
    expect(isPaper('85')).toBe(true);
    expect(isPaper('10')).toBe(false);
    expect(isDigital('85')).toBe(true);
  });
});

describe('the search box classifier', () => {
  it('tells numbers apart', () => {
    expect(classifySearch('  ')).toEqual({ kind: 'empty', value: '' });
    expect(classifySearch('26112000000012345678').kind).toBe('elecNumber');
    expect(classifySearch('12345678')).toEqual({ kind: 'number', value: '12345678' });
    expect(classifySearch('044001900111 12345678')).toEqual({ kind: 'codeNumber', value: '04400190011112345678', code: '044001900111', number: '12345678' });
    expect(classifySearch('0440 0190 0111  1234 5678')).toMatchObject({ kind: 'elecOrCodeNumber', code: '044001900111', number: '12345678' });
    expect(classifySearch('44001900111 12345678')).toMatchObject({ kind: 'codeNumber', code: '044001900111', number: '12345678' });
    expect(classifySearch('04400190011112345678')).toMatchObject({ kind: 'elecOrCodeNumber', code: '044001900111', number: '12345678' });
    expect(classifySearch('1100261130-12345678')).toMatchObject({ kind: 'codeNumber', code: '1100261130', number: '12345678' });
  });

  it('tells tax ids and names apart', () => {
    expect(classifySearch('91350100m000100y43')).toEqual({ kind: 'taxId', value: '91350100M000100Y43' });
    expect(classifySearch('北京华联')).toEqual({ kind: 'name', value: '北京华联' });
    expect(classifySearch('123')).toEqual({ kind: 'name', value: '123' });
  });
});
