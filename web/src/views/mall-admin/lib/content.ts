import type { AnnouncementTag, MallContentDto, OrgTreeNode } from '@drp/shared';
import { OrgType } from '@drp/shared';
import type { MallContentInput } from '@/api/mallAdmin';

/** Display and form rules of 横幅与公告, kept out of the components so they are unit-tested. */

export type ValidityState = 'UPCOMING' | 'CURRENT' | 'EXPIRED';

/** Is a content shown now, later, or no more (by its validity range; status is separate)? */
export function validityState(startsAt: string, endsAt: string, now: Date = new Date()): ValidityState {
  const t = now.getTime();
  if (t < new Date(startsAt).getTime()) return 'UPCOMING';
  if (t >= new Date(endsAt).getTime()) return 'EXPIRED';
  return 'CURRENT';
}

/** The form as edited: the validity range as two Dates (el-date-picker datetimerange). */
export interface ContentForm {
  kind: MallContentDto['kind'];
  title: string;
  body: string;
  tag: AnnouncementTag | '';
  link: string;
  range: [Date, Date] | null;
  branchIds: string[];
  levels: number[];
  sort: number;
  active: boolean;
  /** shown in the form: the current image, or the one just uploaded */
  imageUrl: string | null;
  /** set once a new image is uploaded */
  imageFileId: string | null;
}

export const TITLE_MAX = 100;
export const BODY_MAX = 2000;
export const LINK_MAX = 300;
/** an in-mall route: /mall, /mall/... or /mall?... (the server refuses anything else) */
export const LINK_PATTERN = /^\/mall(\/|\?|$)\S*$/;

export function emptyForm(kind: MallContentDto['kind'] = 'BANNER', now: Date = new Date()): ContentForm {
  const start = new Date(now);
  start.setSeconds(0, 0);
  const end = new Date(start);
  end.setDate(end.getDate() + 30);
  return {
    kind,
    title: '',
    body: '',
    tag: kind === 'ANNOUNCEMENT' ? 'NOTICE' : '',
    link: '',
    range: [start, end],
    branchIds: [],
    levels: [],
    sort: 0,
    active: true,
    imageUrl: null,
    imageFileId: null,
  };
}

export function formFromContent(c: MallContentDto): ContentForm {
  return {
    kind: c.kind,
    title: c.title,
    body: c.body ?? '',
    tag: c.tag ?? '',
    link: c.link ?? '',
    range: [new Date(c.startsAt), new Date(c.endsAt)],
    branchIds: [...c.branchIds],
    levels: [...c.levels].sort((a, b) => a - b),
    sort: c.sort,
    active: c.status === 'ACTIVE',
    imageUrl: c.imageUrl,
    imageFileId: null,
  };
}

/** What is wrong with the form, as i18n keys by field (empty: fine). Mirrors the server's checks. */
export function contentErrors(form: ContentForm): Partial<Record<'title' | 'body' | 'tag' | 'image' | 'link' | 'range', string>> {
  const errors: Partial<Record<'title' | 'body' | 'tag' | 'image' | 'link' | 'range', string>> = {};
  if (!form.title.trim()) errors.title = 'mallAdmin.content.rules.titleRequired';
  else if (form.title.trim().length > TITLE_MAX) errors.title = 'mallAdmin.content.rules.titleTooLong';
  if (form.kind === 'ANNOUNCEMENT') {
    if (!form.body.trim()) errors.body = 'mallAdmin.content.rules.bodyRequired';
    else if (form.body.length > BODY_MAX) errors.body = 'mallAdmin.content.rules.bodyTooLong';
    if (!form.tag) errors.tag = 'mallAdmin.content.rules.tagRequired';
  } else if (!form.imageUrl) {
    errors.image = 'mallAdmin.content.rules.imageRequired';
  }
  const link = form.link.trim();
  if (link && (link.length > LINK_MAX || !LINK_PATTERN.test(link))) errors.link = 'mallAdmin.content.rules.linkPattern';
  if (!form.range || !form.range[0] || !form.range[1]) errors.range = 'mallAdmin.content.rules.rangeRequired';
  else if (form.range[1].getTime() <= form.range[0].getTime()) errors.range = 'mallAdmin.content.rules.endAfterStart';
  return errors;
}

/** The request body for a valid form. */
export function contentInput(form: ContentForm): MallContentInput {
  const [start, end] = form.range as [Date, Date];
  const banner = form.kind === 'BANNER';
  return {
    kind: form.kind,
    title: form.title.trim(),
    body: banner ? null : form.body.trim() || null,
    tag: banner ? null : form.tag || null,
    link: form.link.trim() || null,
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    branchIds: [...form.branchIds],
    levels: [...form.levels].sort((a, b) => a - b),
    sort: form.sort,
    status: form.active ? 'ACTIVE' : 'DISABLED',
    ...(banner && form.imageFileId ? { imageFileId: form.imageFileId } : {}),
  };
}

/** The org tree without dealers: what a content can be targeted at (branches and offices). */
export function branchTree(roots: OrgTreeNode[]): OrgTreeNode[] {
  const strip = (nodes: OrgTreeNode[]): OrgTreeNode[] =>
    nodes.filter((n) => n.type !== OrgType.DEALER).map((n) => ({ ...n, children: strip(n.children ?? []) }));
  return strip(roots);
}
