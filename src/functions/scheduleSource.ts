/**
 * Where a scheduled experiment comes from (EXPERIMENT_SCHEDULE_SOURCE): a file shipped with the app (a path relative
 * to the app's root) or a blob (`https://<account>.blob.core.windows.net/<container>/<name>`, read with the app's
 * identity). The file holds the same JSON as a `POST /api/experiments` body.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getClients } from '../azure/clients';
import { storageBlob } from '../azure/sdk';

export async function readScheduleSource(source: string, appRoot: string = process.cwd()): Promise<string> {
  if (/^https:\/\//i.test(source)) {
    const blob = new (storageBlob().BlobClient)(source, getClients().credential);
    const buffer = await blob.downloadToBuffer();
    return buffer.toString('utf8');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    throw new Error(
      `EXPERIMENT_SCHEDULE_SOURCE must be an https:// blob URL or a file path; got a ${source.split(':')[0]} URL.`,
    );
  }
  return readFile(resolve(appRoot, source), 'utf8');
}
