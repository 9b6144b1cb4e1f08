import { SaxesParser } from 'saxes';
import { attribute, XmlScanError, XmlScanner } from './xml-scanner';

type Event = ['open', string, Record<string, string>] | ['close', string] | ['text', string];

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** What the scanner reports, fed in the given pieces (texts joined, as a caller accumulates them). */
function viaScanner(chunks: string[], attrNames: string[]): Event[] {
  const out: Event[] = [];
  const text = (t: string) => {
    const last = out[out.length - 1];
    if (last?.[0] === 'text') last[1] += t;
    else out.push(['text', t]);
  };
  const s = new XmlScanner({
    open: (name, src, from, to) => {
      const attrs: Record<string, string> = {};
      for (const a of attrNames) {
        const v = attribute(src, from, to, a);
        if (v !== undefined) attrs[a] = v;
      }
      out.push(['open', name, attrs]);
    },
    close: (name) => void out.push(['close', name]),
    text,
  });
  chunks.forEach((c) => s.write(c));
  s.end();
  return out;
}

/** The same through saxes (what the readers used before), CDATA as text. */
function viaSaxes(xml: string, attrNames: string[]): Event[] {
  const out: Event[] = [];
  const text = (t: string) => {
    const last = out[out.length - 1];
    if (last?.[0] === 'text') last[1] += t;
    else out.push(['text', t]);
  };
  const p = new SaxesParser();
  p.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of attrNames) if (tag.attributes[a] !== undefined) attrs[a] = String(tag.attributes[a]);
    out.push(['open', local(tag.name), attrs]);
  });
  p.on('closetag', (tag) => void out.push(['close', local(tag.name)]));
  p.on('text', (t) => {
    // saxes reports the white space outside the root too; the scanner checks and drops it
    if (out.length && !(out[out.length - 1][0] === 'close' && out.filter((e) => e[0] === 'open').length === out.filter((e) => e[0] === 'close').length)) text(t);
  });
  p.on('cdata', text);
  p.write(xml).close();
  return out;
}

const SHEET = [
  '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
  '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="urn:r"><!-- a comment with <c> in it -->',
  '<x:sheetData><x:row r="1" spans="1:3"><x:c r="A1" t="inlineStr"><x:is><x:t xml:space="preserve"> 天然水 &amp; &lt;冰&gt; &quot;x&quot; &apos;y&apos; &#65;&#x42;&#x1F600;\r\nline</x:t>',
  '<x:rPh sb="0" eb="1"><x:t>ティエン</x:t></x:rPh></x:is></x:c><x:c r=\'B1\' s="3" t="str"><x:f>A1&amp;"!"</x:f><x:v><![CDATA[a<b]]>&amp;c</x:v></x:c>',
  '<x:c r="C1" s="2"/><x:c\r\n   r = "D1"\tt="e"><x:v>#N/A</x:v></x:c></x:row><x:row r="2"><x:c r="A2" foo="a&gt;b &#9;tab\nline"><x:v>13.750000000000002</x:v></x:c></x:row>',
  '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B2"/></x:mergeCells><?pi skipped?></x:worksheet>\n',
].join('');
const ATTRS = ['r', 't', 's', 'ref', 'foo', 'xml:space'];

describe('XmlScanner (the tokenizer of big xlsx parts)', () => {
  it('reports what saxes reports: local names, attributes, decoded text, CR LF as LF, CDATA as text, comments and instructions skipped', () => {
    expect(viaScanner([SHEET], ATTRS)).toEqual(viaSaxes(SHEET, ATTRS));
    const texts = viaScanner([SHEET], ATTRS).filter((e) => e[0] === 'text').map((e) => e[1]);
    expect(texts).toContain(' 天然水 & <冰> "x" \'y\' AB😀\nline');
    expect(texts).toContain('a<b&c');
    expect(viaScanner([SHEET], ATTRS).find((e) => e[0] === 'open' && e[2].foo)).toEqual(['open', 'c', { r: 'A2', foo: 'a>b \ttab line' }]); // a literal line break is a space, a character reference stays itself
  });

  it('gives the same whatever the pieces are cut at (inside tags, texts, entities, comments, CDATA)', () => {
    const whole = viaScanner([SHEET], ATTRS);
    for (let cut = 1; cut < SHEET.length; cut++) expect(viaScanner([SHEET.slice(0, cut), SHEET.slice(cut)], ATTRS)).toEqual(whole);
    expect(viaScanner(SHEET.split(''), ATTRS)).toEqual(whole);
  });

  it('refuses what is not well-formed XML', () => {
    const bad = [
      '<a><b></a>', // mismatched
      '<a><b>', // unclosed
      '<a>&nbsp;</a>', // unknown entity
      '<a>&#0;</a>', // a character XML does not allow
      '<a>fish & chips</a>', // a bare &
      '<a x="1<2"/>', // < in an attribute value
      '<a></a><b/>', // a second root
      'text<a/>', // text outside the root
      '<!DOCTYPE a><a/>', // a document type declaration
      '<a><1b/></a>', // a tag name starting with a digit
      '<a', // ends inside a tag
      '', // no root
    ];
    for (const xml of bad) expect(() => viaScanner([xml], ATTRS)).toThrow(XmlScanError);
    // an attribute is checked when it is read
    expect(() => viaScanner(['<a r=1/>'], ['r'])).toThrow(XmlScanError);
    expect(viaScanner(['<a r="1" />'], ['r', 't'])).toEqual([['open', 'a', { r: '1' }], ['close', 'a']]);
  });
});
