/** Pure wording helpers of the backup page (tested in format.spec.ts). */

/** A file size in B / KB / MB / GB (1024 steps, one decimal from KB up); '—' when unknown. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A duration in seconds as `m:ss` past a minute, else `n.n s`; '—' while unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** The restore command for one backup file (what an operator types on the new machine). */
export function restoreCommand(file: string): string {
  return `npm run restore -- ${/[\s"'$`\\]/.test(file) ? `"${file.replace(/(["$`\\])/g, '\\$1')}"` : file}`;
}

/** Whether any run is still being written (the page then polls). */
export function anyRunning(items: readonly { status: string }[]): boolean {
  return items.some((r) => r.status === 'RUNNING');
}
