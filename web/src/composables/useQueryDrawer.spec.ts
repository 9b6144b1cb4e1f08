// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { useQueryDrawer } from './useQueryDrawer';

type Row = { id: string; name: string };
const rows = ref<Row[]>([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);

async function setup(start: string) {
  const page = defineComponent({ setup: () => ({ drawer: useQueryDrawer(rows) }), render: () => h('div') });
  const router: Router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/list', component: { render: () => null } }] });
  await router.push(start);
  const app = mount(page, { global: { plugins: [router] } });
  await flushPromises();
  return { router, drawer: app.vm.drawer as ReturnType<typeof useQueryDrawer<Row>> };
}

describe('useQueryDrawer', () => {
  it('opens the record of ?id= on arrival (a shared link), with its list row', async () => {
    const { drawer } = await setup('/list?id=b&q=x');
    expect(drawer.visible.value).toBe(true);
    expect(drawer.id.value).toBe('b');
    expect(drawer.row.value).toEqual({ id: 'b', name: 'B' });
  });

  it('puts the opened id in the address, keeping the filters; closing takes it away', async () => {
    const { router, drawer } = await setup('/list?q=x');
    expect(drawer.visible.value).toBe(false);
    drawer.open(rows.value[0]);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'x', id: 'a' });
    drawer.visible.value = false;
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: 'x' });
    expect(drawer.id.value).toBeNull();
  });

  it('an id not on this page opens with no row (the drawer loads it by id)', async () => {
    const { drawer } = await setup('/list?id=zz');
    expect(drawer.visible.value).toBe(true);
    expect(drawer.id.value).toBe('zz');
    expect(drawer.row.value).toBeNull();
  });
});
