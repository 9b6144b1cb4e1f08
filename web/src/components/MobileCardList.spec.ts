// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { h } from 'vue';
import { mount } from '@vue/test-utils';
import MobileCardList from './MobileCardList.vue';
import CardField from './CardField.vue';

// the style sheets that come with v-loading: Node cannot load CSS
vi.mock('element-plus/es/components/base/style/css', () => ({}));
vi.mock('element-plus/es/components/loading/style/css', () => ({}));

interface Row {
  id: string;
  number: string;
  total: string;
}
const rows: Row[] = [
  { id: 'a', number: 'SO-1', total: '10.00' },
  { id: 'b', number: 'SO-2', total: '20.00' },
];

function render(props: { items: Row[]; clickable?: boolean; loading?: boolean }) {
  return mount(MobileCardList<Row>, {
    props: { rowKey: (r: Row) => r.id, itemTestId: 'card', ...props },
    slots: {
      title: ({ row }: { row: Row }) => row.number,
      tag: () => h('span', { class: 'tag' }, 'OK'),
      default: ({ row }: { row: Row }) => h(CardField, { label: 'Total', wide: true }, () => row.total),
      actions: ({ row }: { row: Row }) => h('button', { class: 'act', 'data-id': row.id }, 'Approve'),
      empty: () => h('p', { class: 'nothing' }, 'Nothing'),
    },
  });
}

describe('MobileCardList', () => {
  it('shows a card per row with its title, tag, labelled figures and actions', () => {
    const w = render({ items: rows });
    const cards = w.findAll('[data-testid="card"]');
    expect(cards).toHaveLength(2);
    expect(cards[0].find('.m-card__title').text()).toBe('SO-1');
    expect(cards[0].find('.tag').text()).toBe('OK');
    expect(cards[1].find('.card-field__label').text()).toBe('Total');
    expect(cards[1].find('.card-field__value').text()).toBe('20.00');
    expect(cards[1].find('.card-field').classes()).toContain('is-wide');
    expect(cards[1].find('.act').attributes('data-id')).toBe('b');
    expect(w.find('.nothing').exists()).toBe(false);
  });

  it('opens a row on a click of a clickable card, never from its actions', async () => {
    const w = render({ items: rows, clickable: true });
    const cards = w.findAll('[data-testid="card"]');
    await cards[1].trigger('click');
    expect(w.emitted('open')).toEqual([[rows[1]]]);
    await cards[0].find('.act').trigger('click');
    expect(w.emitted('open')).toHaveLength(1);
  });

  it('does not open anything when the cards are not clickable', async () => {
    const w = render({ items: rows });
    await w.findAll('[data-testid="card"]')[0].trigger('click');
    expect(w.emitted('open')).toBeUndefined();
  });

  it('says so when there is nothing, but not while loading', () => {
    expect(render({ items: [] }).find('.nothing').text()).toBe('Nothing');
    expect(render({ items: [], loading: true }).find('.nothing').exists()).toBe(false);
  });
});
