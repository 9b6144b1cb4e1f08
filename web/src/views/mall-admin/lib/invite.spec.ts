import { describe, expect, it } from 'vitest';
import { inviteMessage } from './invite';

describe('inviteMessage', () => {
  it('lists where, who, the code and until when, one per line', () => {
    const text = inviteMessage(
      { username: 'bj.dealer1.li', inviteCode: 'K7Q2-9XZM', expiresAt: '2026-12-09T10:00:00.000Z' },
      'https://drp.example.com/mall/activate',
      { url: '激活地址', username: '用户名', code: '激活码', expires: '有效期至' },
      '2026-12-09 18:00',
    );
    expect(text.split('\n')).toEqual(['激活地址: https://drp.example.com/mall/activate', '用户名: bj.dealer1.li', '激活码: K7Q2-9XZM', '有效期至: 2026-12-09 18:00']);
  });
});
