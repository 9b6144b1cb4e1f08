import type { DealerInviteDto } from '@drp/shared';

/** The message an HQ user passes on to the invited dealer (SMS / chat): where, who, which code, until when. */
export function inviteMessage(invite: Pick<DealerInviteDto, 'username' | 'inviteCode' | 'expiresAt'>, url: string, labels: { url: string; username: string; code: string; expires: string }, expires: string): string {
  return [`${labels.url}: ${url}`, `${labels.username}: ${invite.username}`, `${labels.code}: ${invite.inviteCode}`, `${labels.expires}: ${expires}`].join('\n');
}

/**
 * Puts text on the clipboard: the async Clipboard API where allowed (secure contexts), else the
 * old textarea + execCommand way (plain http on a LAN). Resolves false when neither worked.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    document.body.removeChild(area);
    return ok;
  } catch {
    return false;
  }
}
