/**
 * The emulator's saved state (`npm start` between restarts): jobs, secrets, blobs and the virtual time come back in a
 * new emulator started on the same state file; a new file starts empty.
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
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

/**
 * A token straight from this emulator's managed-identity endpoint: DefaultAzureCredential keeps the first
 * emulator's ARM token in a process-wide cache, and the second emulator (new signing key) rightly refuses it.
 */
const ownToken = (emulator: AzureEmulator): TokenCredential => ({
  getToken: async () => {
    const url = `${emulator.settings.IDENTITY_ENDPOINT}?resource=https://management.azure.com&api-version=2019-08-01`;
    const res = await fetch(url, { headers: { 'X-IDENTITY-HEADER': emulator.settings.IDENTITY_HEADER! } });
    const body = (await res.json()) as { access_token: string; expires_on: string };
    return { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
  },
});

const armClient = (emulator: AzureEmulator) =>
  new AzureMachineLearningWorkspaces(ownToken(emulator), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.settings.AZURE_RESOURCE_MANAGER_ENDPOINT,
    $host: emulator.settings.AZURE_RESOURCE_MANAGER_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
  });

async function createJobSecretAndBlob(emulator: AzureEmulator): Promise<void> {
  const s = emulator.settings;
  await blobContainer(emulator).createIfNotExists();
  const ml = armClient(emulator);
  await ml.jobs.createOrUpdate(s.AML_RESOURCE_GROUP_NAME!, s.AML_WORKSPACE_NAME!, 'kept-job-1', {
    properties: { jobType: 'Pipeline', experimentName: 'kept', jobs: {} },
  });
  await ml.dataVersions.createOrUpdate(s.AML_RESOURCE_GROUP_NAME!, s.AML_WORKSPACE_NAME!, 'kept_data', '3', {
    properties: { dataType: 'uri_file', dataUri: 'azureml://datastores/workspaceblobstore/paths/kept.jsonl' },
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

it('restores jobs, asset versions, secrets, blobs, ports and the virtual time from the state file', async () => {
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
    const s = second.settings;
    const data = await armClient(second).dataContainers.get(
      s.AML_RESOURCE_GROUP_NAME!,
      s.AML_WORKSPACE_NAME!,
      'kept_data',
    );
    expect(data.properties.latestVersion).toBe('3');
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

it('writes each change to the state file before answering it (nothing lost to a SIGKILL after the answer)', async () => {
  const file = join(dir, 'through.json');
  const emulator = await startForTest({ stateFile: file, dataDir: join(dir, 'd') });
  try {
    const s = emulator.settings;
    await armClient(emulator).jobs.createOrUpdate(s.AML_RESOURCE_GROUP_NAME!, s.AML_WORKSPACE_NAME!, 'through-1', {
      properties: { jobType: 'Pipeline', experimentName: 'through', jobs: {} },
    });
    // Read at once, with the emulator still running: no stop, no 2-second save in between.
    expect(readSavedEmulator(file)?.jobs.map((j) => j.name)).toEqual(['through-1']);
    await armClient(emulator).dataVersions.createOrUpdate(
      s.AML_RESOURCE_GROUP_NAME!,
      s.AML_WORKSPACE_NAME!,
      'through_data',
      '1',
      { properties: { dataType: 'uri_file', dataUri: 'azureml://datastores/workspaceblobstore/paths/t.jsonl' } },
    );
    expect(
      readSavedEmulator(file)
        ?.assets?.map(([key]) => key)
        .join(),
    ).toContain('through_data');
  } finally {
    await emulator.stop();
  }
});
