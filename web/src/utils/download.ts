import { ElMessage } from 'element-plus';
import type { ApiErrorBody } from '@drp/shared';
import { http, ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';

/**
 * The file name a server suggests in `Content-Disposition`: the RFC 5987 `filename*=UTF-8''...`
 * form first (it carries Chinese names), else `filename="..."`.
 */
export function fileNameFromDisposition(disposition: string | null | undefined): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  const raw = star?.[1] ?? plain?.[1];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw.trim());
  } catch {
    return raw.trim();
  }
}

/** Hand a blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function blobError(status: number, data: unknown): Promise<ApiError> {
  try {
    const text = data instanceof Blob ? await data.text() : String(data ?? '');
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    return new ApiError(status, typeof body.code === 'string' ? body.code : 'UNKNOWN', body.message ?? '', body.details, body.requestId);
  } catch {
    return new ApiError(status, 'UNKNOWN', `HTTP ${status}`);
  }
}

/**
 * GET a file through the one HTTP client (so the bearer token goes along and an expired token is
 * refreshed), then save it under the server's file name. A failure answers JSON inside the blob:
 * it is read back into an ApiError and shown like any other error.
 */
export async function downloadFile(url: string, params: object = {}, fallbackName = 'download.xlsx'): Promise<void> {
  const notify = (error: ApiError): ApiError => {
    if (!error.notified) {
      ElMessage.error({ message: errorMessage(error), grouping: true });
      error.notified = true;
    }
    return error;
  };
  let res;
  try {
    res = await http.get<Blob>(url, {
      params,
      responseType: 'blob',
      silent: true,
      // 401 still goes through the client's refresh-and-retry; other statuses are read here
      validateStatus: (status) => status !== 401,
      timeout: 120_000,
    });
  } catch (e) {
    throw notify(ApiError.from(e));
  }
  if (res.status >= 400) throw notify(await blobError(res.status, res.data));
  const name = fileNameFromDisposition(res.headers['content-disposition'] as string | undefined) ?? fallbackName;
  saveBlob(res.data, name);
}
