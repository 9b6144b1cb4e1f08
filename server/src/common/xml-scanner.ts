/**
 * A small streaming XML tokenizer for the parts of an .xlsx that are big (a sheet of 10,000+ rows is
 * 10 MB of `<c r="A2" t="s"><v>7</v></c>`). saxes decides every character through its state machine
 * and builds an attribute object per tag, which was most of the time an import spent reading its
 * workbook (profiled, issue #17); this jumps from `<` to `<` with indexOf, hands a tag's attributes
 * over as their raw text (the caller reads the few it needs with `attribute`), and skips the rest.
 *
 * It is still a checking parser: mismatched or unclosed tags, a bad entity or character reference,
 * a `<` inside a tag, text or a second element outside the root, or a document type declaration
 * throw XmlScanError, and so does an unquoted attribute value that `attribute` reads past. What the
 * caller sees is what saxes gave: elements by their local name (`x:row` is `row`), a self-closing
 * element as an open then a close, text with entities and character references decoded and CR LF
 * read as LF, comments and processing instructions skipped; CDATA sections are text. A character XML
 * forbids in text, or `]]>` there, is refused too. Not checked: duplicate attributes, attributes not
 * separated by white space (no spreadsheet writes either).
 */
export class XmlScanError extends Error {}

export interface XmlScanHandlers {
  /** an element opened: its local name, and where its attributes are (read them with `attribute(text, from, to, name)`) */
  open(name: string, text: string, from: number, to: number): void;
  close(name: string): void;
  /** character data inside the root, in pieces (a text may come in several calls) */
  text(t: string): void;
}

const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const QUOT = 34;
const APOS = 39;
/** an unfinished tag or text longer than this is not a spreadsheet's */
const MAX_CARRY = 16 << 20;

const isWs = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0x80;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
const fail = (message: string): never => {
  throw new XmlScanError(message);
};

/** A joined string read in place (V8 reads a concatenation through its parts until it is flattened, which reading a character does). */
const flat = (s: string) => (s.charCodeAt(0), s);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text as XML means it: entities and character references decoded, CR LF and a lone CR read as LF. */
export function xmlText(raw: string): string {
  let t = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!t.includes('&')) return t;
  let out = '';
  let from = 0;
  for (let amp = t.indexOf('&'); amp >= 0; amp = t.indexOf('&', from)) {
    const semi = t.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) fail(`a bare "&" in text: ${t.slice(amp, amp + 12)}`);
    const ref = t.slice(amp + 1, semi);
    let ch = NAMED[ref];
    if (ch === undefined) {
      const code = /^#\d{1,7}$/.test(ref) ? Number(ref.slice(1)) : /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : NaN;
      if (!(code === 9 || code === 10 || code === 13 || (code >= 32 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff))) {
        fail(`an unknown entity or a bad character reference: &${ref};`);
      }
      ch = String.fromCodePoint(code);
    }
    out += t.slice(from, amp) + ch;
    from = semi + 1;
  }
  t = out + t.slice(from);
  return t;
}

/**
 * Several attributes of a tag in one pass into `out` (returned): `out[k]` is the value of `names[k]` (undefined when absent).
 * For a tag read millions of times (a sheet's `<c r s t>`), where `attribute` per name would go over
 * the attributes once each.
 */
export function attributes(text: string, from: number, to: number, names: readonly string[], out: (string | undefined)[]): (string | undefined)[] {
  out.length = 0;
  out.length = names.length;
  let j = from;
  for (;;) {
    while (j < to && isWs(text.charCodeAt(j))) j++;
    if (j >= to) return out;
    const an = j;
    while (j < to && text.charCodeAt(j) !== 61 && !isWs(text.charCodeAt(j))) j++;
    const ae = j;
    while (j < to && isWs(text.charCodeAt(j))) j++;
    if (j >= to || text.charCodeAt(j) !== 61 || ae === an) fail(`an attribute without a value: ${text.slice(an, Math.min(to, an + 20))}`);
    j++;
    while (j < to && isWs(text.charCodeAt(j))) j++;
    const q = j < to ? text.charCodeAt(j) : 0;
    if (q !== QUOT && q !== APOS) fail(`an unquoted attribute value: ${text.slice(an, Math.min(to, an + 20))}`);
    const ve = text.indexOf(q === QUOT ? '"' : "'", j + 1);
    if (ve < 0 || ve >= to) fail('an unterminated attribute value');
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      if (ae - an === name.length && text.startsWith(name, an)) {
        out[k] = attributeValue(text.slice(j + 1, ve));
        break;
      }
    }
    j = ve + 1;
  }
}

/** An attribute value as XML means it: white space a space (attribute value normalisation), then entities. */
const attributeValue = (raw: string) => (/[&\t\n\r]/.test(raw) ? xmlText(raw.replace(/\r\n|[\t\n\r]/g, ' ')) : raw);

/** One attribute's value from a tag's attributes (`text` from..to, as `open` gives them), by its name as written (`r`, `r:id`); undefined when absent. */
export function attribute(attrs: string, from: number, to: number, name: string): string | undefined {
  one[0] = name;
  return attributes(attrs, from, to, one, found)[0];
}

// scratch arrays of `attribute` (JavaScript runs one call at a time)
const one: string[] = [''];
const found: (string | undefined)[] = [];

/** the control characters (and U+FFFE, U+FFFF) XML forbids in a document, and the end of a CDATA section outside one */
// eslint-disable-next-line no-control-regex -- exactly the control characters are what it looks for
const FORBIDDEN_IN_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\]\]>/;

export class XmlScanner {
  /** markup or text whose end lies in a later chunk, carried over */
  private rest = '';
  private started = false;
  private names: string[] = [];
  private sawRoot = false;
  /** the tag names seen and their local names, reused instead of cut out of the text again (millions of tags, a handful of names) */
  private seen: string[] = [];
  private seenLocal: string[] = [];

  constructor(private readonly h: XmlScanHandlers) {}

  /** Scans the next piece of the document (cut anywhere: inside a tag, a text or an entity). */
  write(chunk: string): void {
    let s = this.rest ? flat(this.rest + chunk) : chunk;
    this.rest = '';
    if (!this.started && s.length) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // a byte order mark
    }
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.charCodeAt(i) === LT ? i : s.indexOf('<', i);
      if (lt < 0) break; // text whose end is in a later chunk
      if (lt > i) this.onText(s.slice(i, lt));
      const next = this.markup(s, lt);
      if (next < 0) {
        i = lt;
        break;
      }
      i = next;
    }
    if (i < n) {
      this.rest = s.slice(i);
      if (this.rest.length > MAX_CARRY) fail('a tag or a text longer than a spreadsheet has');
    }
  }

  /** The document is over: everything opened must be closed. */
  end(): void {
    if (this.rest) {
      if (this.rest.charCodeAt(0) === LT) fail(`the XML ends inside markup: ${this.rest.slice(0, 40)}`);
      this.onText(this.rest);
      this.rest = '';
    }
    if (this.names.length) fail(`unclosed tag <${this.names[this.names.length - 1]}>`);
    if (!this.sawRoot) fail('no root element');
  }

  private onText(raw: string): void {
    if (!this.names.length) {
      if (!/^[ \t\r\n]*$/.test(raw)) fail('text outside the root element');
      return;
    }
    if (FORBIDDEN_IN_TEXT.test(raw)) fail(`a character XML does not allow in text, or "]]>": ${JSON.stringify(raw.slice(0, 20))}`);
    this.h.text(xmlText(raw));
  }

  /** The markup starting at `<` (s[i]): the index after it, or -1 when it goes on in the next chunk. */
  private markup(s: string, i: number): number {
    const n = s.length;
    if (i + 1 >= n) return -1;
    const c = s.charCodeAt(i + 1);
    if (c === QUESTION) {
      const e = s.indexOf('?>', i + 2);
      return e < 0 ? -1 : e + 2;
    }
    if (c === BANG) return this.bang(s, i);
    // the tag's end: the first ">" outside a quoted attribute value
    let j = i + 1;
    let q = 0;
    for (; j < n; j++) {
      const d = s.charCodeAt(j);
      if (q) {
        if (d === q) q = 0;
        else if (d === LT) fail(`"<" in an attribute value: ${s.slice(i, j + 1)}`);
      } else if (d === GT) break;
      else if (d === QUOT || d === APOS) q = d;
      else if (d === LT) fail(`"<" inside a tag: ${s.slice(i, j + 1)}`);
    }
    if (j >= n) return -1;
    const closing = c === SLASH;
    const selfClosing = !closing && s.charCodeAt(j - 1) === SLASH;
    const start = closing ? i + 2 : i + 1;
    const stop = selfClosing ? j - 1 : j;
    let e = start;
    while (e < stop && isNameChar(s.charCodeAt(e))) e++;
    if (e === start || !isNameStart(s.charCodeAt(start))) fail(`a tag without a name: ${s.slice(i, j + 1)}`);
    if (e < stop && !isWs(s.charCodeAt(e))) fail(`a character a tag name cannot have: ${s.slice(i, j + 1)}`);
    const k = this.nameAt(s, start, e);
    const name = this.seen[k];
    const local = this.seenLocal[k];
    if (closing) {
      for (let w = e; w < j; w++) if (!isWs(s.charCodeAt(w))) fail(`a malformed closing tag: ${s.slice(i, j + 1)}`);
      const top = this.names.pop();
      if (top !== name) fail(`closing tag </${name}> where ${top === undefined ? 'nothing is open' : `<${top}> is open`}`);
      this.h.close(local);
      return j + 1;
    }
    if (this.sawRoot && !this.names.length) fail(`a second root element <${name}>`);
    this.sawRoot = true;
    this.h.open(local, s, e, stop);
    if (selfClosing) this.h.close(local);
    else this.names.push(name);
    return j + 1;
  }

  /** The name's index in `seen` (added when new). */
  private nameAt(s: string, start: number, end: number): number {
    const len = end - start;
    const seen = this.seen;
    for (let k = 0; k < seen.length; k++) if (seen[k].length === len && s.startsWith(seen[k], start)) return k;
    const name = s.slice(start, end);
    const colon = name.indexOf(':');
    if (seen.length >= 64) {
      // not a spreadsheet's handful of names: replace the last slot rather than grow
      seen.pop();
      this.seenLocal.pop();
    }
    seen.push(name);
    this.seenLocal.push(colon < 0 ? name : name.slice(colon + 1));
    return seen.length - 1;
  }

  /** A `<!--` comment, a `<![CDATA[` section, or a document type declaration (refused). */
  private bang(s: string, i: number): number {
    if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (s.startsWith('<![CDATA[', i)) {
      const e = s.indexOf(']]>', i + 9);
      if (e < 0) return -1;
      if (!this.names.length) fail('a CDATA section outside the root element');
      const raw = s.slice(i + 9, e);
      this.h.text(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
      return e + 3;
    }
    const head = s.slice(i, i + 9);
    if (head.length < 9 && ('<![CDATA['.startsWith(head) || '<!--'.startsWith(head) || '<!DOCTYPE'.startsWith(head))) return -1;
    return fail(head.startsWith('<!DOCTYPE') ? 'a document type declaration' : `malformed markup: ${head}`);
  }
}
