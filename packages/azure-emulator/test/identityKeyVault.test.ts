import { SecretClient } from '@azure/keyvault-secrets';
import { execFile } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import type { AzureEmulator } from '../src';
import { credential, itMatchesAzureSpecs, startForTest } from './helpers';

let emulator: AzureEmulator;

beforeAll(async () => {
  emulator = await startForTest({ seedSecrets: { 'openai-api-key': 'seeded-value' } });
});
afterAll(async () => {
  await emulator?.stop();
});

const decodeJwt = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const rawGet = (url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    https
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });

describe('managed identity', () => {
  it('gives DefaultAzureCredential JWT-shaped tokens for ARM and Key Vault', async () => {
    const cred = credential();
    const arm = await cred.getToken('https://management.azure.com/.default');
    const kv = await cred.getToken('https://vault.azure.net/.default');
    expect(arm.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const armClaims = decodeJwt(arm.token);
    expect(armClaims).toMatchObject({
      aud: 'https://management.azure.com',
      tid: expect.any(String),
      oid: expect.any(String),
    });
    expect(armClaims.exp).toEqual(expect.any(Number));
    expect(decodeJwt(kv.token).aud).toBe('https://vault.azure.net');
  });

  it('works in a fresh process whose environment holds only the emulator settings', async () => {
    const script = `
      const { DefaultAzureCredential } = require('@azure/identity');
      const c = new DefaultAzureCredential();
      Promise.all([c.getToken('https://management.azure.com/.default'), c.getToken('https://vault.azure.net/.default')])
        .then((t) => console.log(JSON.stringify(t.map((x) => JSON.parse(Buffer.from(x.token.split('.')[1], 'base64url')).aud))))
        .catch((e) => { console.error(e.message); process.exit(1); });`;
    const env = { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: emulator.caCertPath, ...emulator.settings };
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { env, cwd: path.resolve(__dirname, '..') }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out)).toEqual(['https://management.azure.com', 'https://vault.azure.net']);
  });

  it('refuses a token request without the identity header', async () => {
    const res = await rawGet(
      `${emulator.settings.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https://vault.azure.net`,
    );
    expect(res.status).toBe(401);
  });

  it('answers 401 to an API call without a bearer token, and with a token for another audience', async () => {
    const base = `${emulator.url}/subscriptions/${emulator.settings.AML_SUBSCRIPTION_ID}/resourceGroups/x?api-version=2022-10-01`;
    expect((await rawGet(base)).status).toBe(401);
    const kvToken = await credential().getToken('https://vault.azure.net/.default');
    const wrong = await rawGet(base, { Authorization: `Bearer ${kvToken.token}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('InvalidAuthenticationTokenAudience');
  });
});

describe('Key Vault secrets', () => {
  const client = (): SecretClient =>
    new SecretClient(emulator.settings.AZURE_KEY_VAULT_ENDPOINT!, credential(), {
      disableChallengeResourceVerification: true,
    });

  it('answers the recorded challenge first, then serves the seeded secret', async () => {
    const secret = await client().getSecret('openai-api-key');
    expect(secret.value).toBe('seeded-value');
    const first = emulator.traffic().find((e) => e.service === 'keyvault');
    expect(first?.status).toBe(401);
    expect(first?.responseHeaders['www-authenticate']).toMatch(
      /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/[0-9a-f-]+", resource="https:\/\/vault\.azure\.net"$/,
    );
  });

  it('creates a new version on every set and lists names and versions', async () => {
    const c = client();
    const v1 = await c.setSecret('search-admin-key', 'one');
    const v2 = await c.setSecret('search-admin-key', 'two');
    expect(v1.properties.version).not.toBe(v2.properties.version);
    expect((await c.getSecret('search-admin-key')).value).toBe('two');
    expect((await c.getSecret('search-admin-key', { version: v1.properties.version! })).value).toBe('one');
    const versions: string[] = [];
    for await (const p of c.listPropertiesOfSecretVersions('search-admin-key')) versions.push(p.version!);
    expect(versions.sort()).toEqual([v1.properties.version, v2.properties.version].sort());
    const names: string[] = [];
    for await (const p of c.listPropertiesOfSecrets()) names.push(p.name);
    expect(names).toEqual(expect.arrayContaining(['openai-api-key', 'search-admin-key']));
    expect(emulator.state.secrets()).toEqual(expect.arrayContaining([{ name: 'search-admin-key', versions: 2 }]));
  });

  it('answers 404 SecretNotFound for a missing secret', async () => {
    await expect(client().getSecret('does-not-exist')).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
  });
});

itMatchesAzureSpecs(() => emulator);
