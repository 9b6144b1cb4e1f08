import { describe, expect, it } from 'vitest';
import { OrgStatus, OrgType, type MallContentDto, type OrgTreeNode } from '@drp/shared';
import { branchTree, contentErrors, contentInput, emptyForm, formFromContent, validityState } from './content';

const banner: MallContentDto = {
  id: 'c1',
  kind: 'BANNER',
  title: '双十一大促',
  body: null,
  tag: null,
  imageUrl: '/api/files/x.png',
  link: '/mall/catalog?q=饮料',
  startsAt: '2026-11-01T00:00:00.000Z',
  endsAt: '2026-11-12T00:00:00.000Z',
  branchIds: ['b1'],
  levels: [3, 1],
  sort: 2,
  status: 'ACTIVE',
  updatedAt: '2026-10-30T00:00:00.000Z',
};

describe('validityState', () => {
  it('is upcoming before the start, current inside, expired from the end on', () => {
    expect(validityState(banner.startsAt, banner.endsAt, new Date('2026-10-31T23:59:59Z'))).toBe('UPCOMING');
    expect(validityState(banner.startsAt, banner.endsAt, new Date('2026-11-01T00:00:00Z'))).toBe('CURRENT');
    expect(validityState(banner.startsAt, banner.endsAt, new Date('2026-11-11T23:59:59Z'))).toBe('CURRENT');
    expect(validityState(banner.startsAt, banner.endsAt, new Date('2026-11-12T00:00:00Z'))).toBe('EXPIRED');
  });
});

describe('content form', () => {
  it('a new banner needs a title and an image; a new announcement a title, a text and a tag', () => {
    expect(contentErrors(emptyForm('BANNER'))).toEqual({ title: 'mallAdmin.content.rules.titleRequired', image: 'mallAdmin.content.rules.imageRequired' });
    const notice = emptyForm('ANNOUNCEMENT');
    expect(notice.tag).toBe('NOTICE');
    notice.tag = '';
    expect(contentErrors(notice)).toEqual({
      title: 'mallAdmin.content.rules.titleRequired',
      body: 'mallAdmin.content.rules.bodyRequired',
      tag: 'mallAdmin.content.rules.tagRequired',
    });
  });

  it('refuses an end at or before the start, a missing range, a foreign link and an over-long title', () => {
    const form = formFromContent(banner);
    expect(contentErrors(form)).toEqual({});
    form.range = [new Date('2026-11-02T00:00:00Z'), new Date('2026-11-02T00:00:00Z')];
    expect(contentErrors(form).range).toBe('mallAdmin.content.rules.endAfterStart');
    form.range = null;
    expect(contentErrors(form).range).toBe('mallAdmin.content.rules.rangeRequired');
    form.range = [new Date('2026-11-01T00:00:00Z'), new Date('2026-11-02T00:00:00Z')];
    form.link = 'javascript:alert(1)';
    expect(contentErrors(form).link).toBe('mallAdmin.content.rules.linkPattern');
    form.link = '/admin';
    expect(contentErrors(form).link).toBe('mallAdmin.content.rules.linkPattern');
    form.link = 'https://example.com/a';
    expect(contentErrors(form).link).toBe('mallAdmin.content.rules.linkPattern');
    form.link = '/mallx';
    expect(contentErrors(form).link).toBe('mallAdmin.content.rules.linkPattern');
    for (const ok of ['/mall', '/mall/products/abc', '/mall?x=1']) {
      form.link = ok;
      expect(contentErrors(form).link).toBeUndefined();
    }
    form.title = 'x'.repeat(101);
    expect(contentErrors(form).title).toBe('mallAdmin.content.rules.titleTooLong');
  });

  it('round-trips a banner into the request body; the image is sent only when a new one was uploaded', () => {
    const form = formFromContent(banner);
    expect(contentInput(form)).toEqual({
      kind: 'BANNER',
      title: '双十一大促',
      body: null,
      tag: null,
      link: '/mall/catalog?q=饮料',
      startsAt: banner.startsAt,
      endsAt: banner.endsAt,
      branchIds: ['b1'],
      levels: [1, 3],
      sort: 2,
      status: 'ACTIVE',
    });
    form.imageFileId = 'f.png';
    form.active = false;
    expect(contentInput(form)).toMatchObject({ imageFileId: 'f.png', status: 'DISABLED' });
  });

  it('an announcement drops the image and keeps text and tag; a banner drops text and tag', () => {
    const form = formFromContent(banner);
    form.kind = 'ANNOUNCEMENT';
    form.body = '  新品上市  ';
    form.tag = 'NEW_PRODUCT';
    form.imageFileId = 'f.png';
    const input = contentInput(form);
    expect(input).toMatchObject({ kind: 'ANNOUNCEMENT', body: '新品上市', tag: 'NEW_PRODUCT' });
    expect(input).not.toHaveProperty('imageFileId');
    form.kind = 'BANNER';
    expect(contentInput(form)).toMatchObject({ body: null, tag: null, imageFileId: 'f.png' });
  });
});

describe('branchTree', () => {
  it('keeps HQ, branches and offices, drops dealers at every depth', () => {
    const node = (id: string, type: OrgType, children: OrgTreeNode[] = []): OrgTreeNode => ({ id, code: id, name: id, type, parentId: null, status: OrgStatus.ACTIVE, children });
    const tree = [node('hq', OrgType.HQ, [node('d0', OrgType.DEALER), node('bj', OrgType.BRANCH, [node('cy', OrgType.BRANCH, [node('d2', OrgType.DEALER)]), node('d1', OrgType.DEALER, [node('d1a', OrgType.DEALER)])])])];
    const ids = (nodes: OrgTreeNode[]): string[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
    expect(ids(branchTree(tree))).toEqual(['hq', 'bj', 'cy']);
  });
});
