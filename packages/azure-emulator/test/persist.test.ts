/**
 * The emulator's saved state (`npm start` between restarts): jobs, secrets, blobs and the virtual time come back in a
 * new emulator started on the same state file; a new file starts empty.
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { SecretClient } from '@azure/keyvault-secrets';
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzureEmulator } from '../src';
import { epochResuming, readSavedEmulator } from '../src/persist';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { credential, startForTest } from './helpers';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
const stateFile = join(dir, 'state.json');

async function createJobSecretAndBlob(emulator: AzureEmulator): Promise<void> {
  const s = emulator.settings;
  await blobContainer(emulator).createIfNotExists();
  const ml = new AzureMachineLearningWorkspaces(credential(), s.AML_SUBSCRIPTION_ID!, {
    endpoint: s.AZURE_RESOURCE_MANAGER_ENDPOINT,
    $host: s.AZURE_RESOURCE_MANAGER_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
  });
  await ml.jobs.createOrUpdate(s.AML_RESOURCE_GROUP_NAME!, s.AML_WORKSPACE_NAME!, 'kept-job-1', {
    properties: { jobType: 'Pipeline', experimentName: 'kept', jobs: {} },
  });
  await new SecretClient(s.AZURE_KEY_VAULT_ENDPOINT!, credential(), {
    disableChallengeResourceVerification: true,
  }).setSecret('kept-secret', 'v1-secret-value');
  await blobContainer(emulator).getBlockBlobClient('kept/config.json').upload('{"kept":true}', 13);
}

function blobContainer(emulator: AzureEmulator) {
  return new BlobServiceClient(emulator.settings.AZURE_STORAGE_BLOB_ENDPOINT!, credential()).getContainerClient(
    'kept-container',
  );
}

it('restores jobs, secrets, blobs, ports and the virtual time from the state file', async () => {
  const clock = createClock({ speed: 600 });
  const first = await startForTest({ clock, stateFile, dataDir: join(dir, 'a') });
  try {
    await createJobSecretAndBlob(first);
  } finally {
    await first.stop();
  }
  const port = new URL(first.url).port;

  const saved = readSavedEmulator(stateFile);
  expect(saved?.jobs.map((j) => j.name)).toEqual(['kept-job-1']);
  expect(String(saved?.port)).toBe(port);
  const epoch = epochResuming(saved!.virtualNow, 600);
  const resumed = createClock({ speed: 600, ...(epoch !== undefined ? { epoch } : {}) });
  expect(resumed.now()).toBeGreaterThanOrEqual(saved!.virtualNow);
  expect(resumed.now() - saved!.virtualNow).toBeLessThan(60_000 * 600);

  const second = await startForTest({ clock: resumed, stateFile, dataDir: join(dir, 'b'), port: saved!.port });
  try {
    expect(second.url).toBe(first.url);
    expect(second.state.jobs()).toEqual([expect.objectContaining({ name: 'kept-job-1', createdCount: 1 })]);
    expect(second.state.secrets()).toEqual(expect.arrayContaining([{ name: 'kept-secret', versions: 1 }]));
    // Azurite kept the blob on disk beside the state file.
    expect((await blobContainer(second).getBlockBlobClient('kept/config.json').downloadToBuffer()).toString()).toBe(
      '{"kept":true}',
    );
    // Secret values never reach the disk.
    expect(readFileSync(stateFile, 'utf8')).not.toContain('v1-secret-value');
  } finally {
    await second.stop();
  }
});

it('starts empty on a new state file', async () => {
  const fresh = await startForTest({ stateFile: join(dir, 'other.json'), dataDir: join(dir, 'c') });
  try {
    expect(fresh.state.jobs()).toEqual([]);
    expect(await blobContainer(fresh).exists()).toBe(false);
  } finally {
    await fresh.stop();
  }
});
