import { ApiError } from '@chat/client';
import type { Attachment, ErrorBody, UploadResponse } from '@chat/protocol';

/**
 * Uploads a picture as `ChatApi.upload` does, telling how far it got: fetch cannot report the
 * progress of what it sends, XMLHttpRequest can. Same origin, so the session cookie and the page's
 * Origin go with it. Rejects with an ApiError when the server answered, with a TypeError when the
 * network failed.
 */
export function uploadPicture(file: File, onProgress: (percent: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    let reported = 0;
    request.open('POST', '/api/uploads');
    request.responseType = 'json';
    // Whole percents, each once: progress events come far more often than the bar can show a change.
    request.upload.onprogress = (event) => {
      const percent = event.lengthComputable ? Math.floor((event.loaded / event.total) * 100) : reported;
      if (percent === reported) return;
      reported = percent;
      onProgress(percent);
    };
    request.onload = () => {
      if (request.status === 201) {
        resolve((request.response as UploadResponse).attachment);
        return;
      }
      const error = (request.response as ErrorBody | null)?.error;
      reject(new ApiError(request.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${request.status}`));
    };
    request.onerror = () => reject(new TypeError('The network failed during the upload.'));
    const form = new FormData();
    form.append('file', file, file.name || 'picture');
    request.send(form);
  });
}
