/** The one Azurite launcher, in the mode the conformance harness uses: the development account over plain HTTP. */
import http from 'node:http';
import { BlobServiceClient } from '@azure/storage-blob';
import { startDevelopmentStorage } from '../src';

/** The status of an unauthenticated GET. */
const probe = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });

describe('development storage (Azurite blob, queue and table)', () => {
  it('answers the development account on its three endpoints and stops', async () => {
    const storage = await startDevelopmentStorage();
    const parts = Object.fromEntries(
      storage.connectionString
        .split(';')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    try {
      expect(parts.AccountName).toBe('devstoreaccount1');
      const blobs = BlobServiceClient.fromConnectionString(storage.connectionString);
      await blobs.getContainerClient('probe').create();
      await blobs.getContainerClient('probe').getBlockBlobClient('a.txt').upload('hi', 2);
      const names: string[] = [];
      for await (const blob of blobs.getContainerClient('probe').listBlobsFlat()) names.push(blob.name);
      expect(names).toEqual(['a.txt']);
      // Queue and table listen where Azurite said, and refuse an unsigned request.
      for (const key of ['QueueEndpoint', 'TableEndpoint']) {
        const status = await probe(`${parts[key]}?comp=list`);
        expect({ key, refused: status >= 400 && status < 500 }).toEqual({ key, refused: true });
      }
    } finally {
      await storage.stop();
    }
    await expect(probe(`${parts.BlobEndpoint}?comp=list`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
