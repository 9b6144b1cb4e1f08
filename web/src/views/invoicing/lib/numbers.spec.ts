import { describe, expect, it } from 'vitest';
import { classifySearch, cleanNumbers, codeProblem, digitsOnly, invoiceLabel, isDigital, isPaper, numberProblems } from './numbers';

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

  it('old types need a code of their kind and an 8-digit number', () => {
    // 10-digit 专票 code: 8th digit 1 or 5; copies 2-9; ceiling 0-4
    expect(numberProblems('01', { code: '1100261130', number: '12345678' })).toEqual([]);
    expect(codeProblem('01', '1100261330')).toEqual({ field: 'code', problem: 'KIND' });
    expect(codeProblem('01', '1100261110')).toEqual({ field: 'code', problem: 'FORMAT' });
    expect(codeProblem('01', '11002611')).toEqual({ field: 'code', problem: 'LENGTH_10_12' });
    // 12-digit codes by their last two digits
    expect(codeProblem('10', '044001900111')).toBeNull();
    expect(codeProblem('08', '044001900113')).toBeNull();
    expect(codeProblem('08', '044001900111')).toEqual({ field: 'code', problem: 'KIND' });
    expect(codeProblem('04', '044001900104')).toBeNull();
    expect(codeProblem('04', '1100261630')).toBeNull();
    expect(codeProblem('11', '044001900106')).toBeNull();
    expect(codeProblem('10', '144001900111')).toEqual({ field: 'code', problem: 'FORMAT' });
    expect(numberProblems('10', { code: '', number: '1234567' })).toEqual([
      { field: 'code', problem: 'REQUIRED' },
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
    expect(isPaper('81')).toBe(false);
    expect(isPaper('10')).toBe(false);
  });
});

describe('the search box classifier', () => {
  it('tells numbers apart', () => {
    expect(classifySearch('  ')).toEqual({ kind: 'empty', value: '' });
    expect(classifySearch('26112000000012345678').kind).toBe('elecNumber');
    expect(classifySearch('12345678')).toEqual({ kind: 'number', value: '12345678' });
    expect(classifySearch('044001900111 12345678')).toEqual({ kind: 'codeNumber', value: '04400190011112345678', code: '044001900111', number: '12345678' });
    expect(classifySearch('0440 0190 0111  1234 5678')).toMatchObject({ kind: 'elecOrCodeNumber', code: '044001900111', number: '12345678' });
    expect(classifySearch('04400190011112345678')).toMatchObject({ kind: 'elecOrCodeNumber', code: '044001900111', number: '12345678' });
    expect(classifySearch('1100261130-12345678')).toMatchObject({ kind: 'codeNumber', code: '1100261130', number: '12345678' });
    expect(classifySearch('044001900111').kind).toBe('code');
  });

  it('tells tax ids and names apart', () => {
    expect(classifySearch('91350100m000100y43')).toEqual({ kind: 'taxId', value: '91350100M000100Y43' });
    expect(classifySearch('北京华联')).toEqual({ kind: 'name', value: '北京华联' });
    expect(classifySearch('123')).toEqual({ kind: 'name', value: '123' });
  });
});
