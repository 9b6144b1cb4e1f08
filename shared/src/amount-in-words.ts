import Decimal from 'decimal.js';
import { Dec } from './money';

/**
 * 大写金额: an amount of yuan in Chinese capital numerals, as printed on invoices, shipment notes
 * and statements (the rules of 《支付结算办法》 附件一 for writing amounts):
 * - 壹万贰仟叁佰肆拾伍元陆角柒分; nothing after 分; 整 after 元 and after 角 (壹拾元整, 叁角整), so
 *   nothing can be added to a printed amount;
 * - below one yuan no leading 零元 (伍分, 伍角叁分); zero itself is 零元整;
 * - one 零 for any run of zeros inside the number (壹拾万零壹拾元), also across 万 / 亿 sections
 *   (壹亿零壹万元整), and before 分 when 角 is zero (壹元零伍分); the optional 零 between 元 and 角
 *   is not written (壹拾元叁角整);
 * - 拾 at the head is 壹拾 (壹拾元整, 壹拾亿元零壹分), as everywhere else;
 * - negative amounts start with 负 (负叁元伍角整); an amount that rounds to zero has no sign.
 *
 * The input is a decimal string (or a decimal.js value), never a binary float: it is rounded half up
 * to cents with decimal arithmetic ("2.675" -> 贰元陆角捌分, where the float 2.675 would give 2.67).
 * Up to 16 integer digits (numeric(18,2)); anything else is refused with a RangeError.
 */
const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
/** within a four-digit group, from the left: 仟 佰 拾 and the ones */
const PLACES = ['仟', '佰', '拾', ''] as const;
/** the groups of four digits, from the right */
const SECTIONS = ['', '万', '亿', '万亿'] as const;

const AMOUNT_RE = /^[-+]?\d+(\.\d+)?$/;

/** A four-digit group (1..9999) in words, zeros inside it as one 零; leading zeros are the caller's business. */
function groupWords(group: string): string {
  let out = '';
  let zeroPending = false;
  for (let i = 0; i < 4; i++) {
    const d = Number(group[i]);
    if (d === 0) {
      if (out) zeroPending = true;
      continue;
    }
    if (zeroPending) out += '零';
    zeroPending = false;
    out += DIGITS[d] + PLACES[i];
  }
  return out;
}

/** The integer part (a string of digits without leading zeros, not "0") in words, without 元. */
function integerWords(digits: string): string {
  const padded = digits.padStart(Math.ceil(digits.length / 4) * 4, '0');
  const groups: string[] = [];
  for (let i = 0; i < padded.length; i += 4) groups.push(padded.slice(i, i + 4));
  let out = '';
  let zeroPending = false;
  groups.forEach((group, index) => {
    let section: string = SECTIONS[groups.length - 1 - index];
    // 万亿 shortens to 万 when the 亿 group follows with digits of its own (玖万玖仟亿, but 壹拾万亿)
    if (section === '万亿' && groups[index + 1] !== '0000') section = '万';
    if (group === '0000') {
      if (out) zeroPending = true;
      return;
    }
    // a gap before this group: a whole zero group passed, or this group starts with a zero
    if (out && (zeroPending || group[0] === '0')) out += '零';
    zeroPending = false;
    out += groupWords(group) + section;
  });
  return out;
}

/** The amount in Chinese capital words (大写金额), e.g. "12345.67" -> 壹万贰仟叁佰肆拾伍元陆角柒分. */
export function amountInWords(amount: string | Decimal): string {
  let value: Decimal;
  if (typeof amount === 'string') {
    const text = amount.trim().replace(/,/g, '');
    if (!AMOUNT_RE.test(text)) throw new RangeError(`not a decimal amount: "${amount}"`);
    value = new Dec(text);
  } else if (Decimal.isDecimal(amount)) {
    value = new Dec(amount);
  } else {
    throw new RangeError('amountInWords takes a decimal string');
  }
  const cents = value.toFixed(2, Decimal.ROUND_HALF_UP); // "-1234.50", rounded with decimal arithmetic
  const negative = cents.startsWith('-');
  const [intPart, fracPart] = (negative ? cents.slice(1) : cents).split('.');
  const intDigits = intPart.replace(/^0+(?=\d)/, '');
  if (intDigits.length > 16) throw new RangeError(`amount too large for words: "${amount}"`);
  const jiao = Number(fracPart[0]);
  const fen = Number(fracPart[1]);

  if (intDigits === '0' && jiao === 0 && fen === 0) return '零元整';

  let out = intDigits === '0' ? '' : `${integerWords(intDigits)}元`;
  if (jiao === 0 && fen === 0) out += '整';
  else if (fen === 0) out += `${DIGITS[jiao]}角整`;
  else if (jiao === 0) out += out ? `零${DIGITS[fen]}分` : `${DIGITS[fen]}分`;
  else out += `${DIGITS[jiao]}角${DIGITS[fen]}分`;
  return negative ? `负${out}` : out;
}
