/**
 * The emulator's self-signed TLS certificate: fixed files `<root>/.local/emulator-tls/cert.pem` and `key.pem`,
 * made once and reused. The certificate is its own trust anchor: give it to Node as NODE_EXTRA_CA_CERTS.
 *
 * Run directly (`npx tsx packages/azure-emulator/src/tls.ts`) it ensures the files and prints the certificate path.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder that holds `.local/` (certificate, default data dir): the npm workspace root this package belongs to
 * (the repository), else the package's own folder when it is used on its own.
 */
export function repoRoot(): string {
  const own = path.resolve(__dirname, '..');
  for (let dir = path.dirname(own); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
  }
  return own;
}

export interface EmulatorCertificate {
  certPath: string;
  keyPath: string;
}

/** A certificate within this many days of expiry is replaced. */
const RENEW_DAYS = 30;
const VALID_YEARS = 10;

function isUsable(certPath: string, keyPath: string): boolean {
  if (!existsSync(certPath) || !existsSync(keyPath)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    const notAfter = new Date(cert.validTo).getTime();
    const san = cert.subjectAltName ?? '';
    return (
      notAfter - Date.now() > RENEW_DAYS * 86_400_000 &&
      san.includes('DNS:localhost') &&
      san.includes('IP Address:127.0.0.1') &&
      readFileSync(keyPath, 'utf8').includes('PRIVATE KEY')
    );
  } catch {
    return false;
  }
}

/**
 * Generation runs in a child Node process because `selfsigned` is asynchronous and this function is synchronous
 * (it is called at module start-up by scripts and by the emulator).
 */
const GENERATOR = `
const fs = require('node:fs');
const selfsigned = require(process.argv[1]);
const [certPath, keyPath, years] = process.argv.slice(2);
const notAfterDate = new Date(Date.now() + Number(years) * 365 * 86400000);
selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
  keySize: 2048,
  algorithm: 'sha256',
  notBeforeDate: new Date(Date.now() - 86400000),
  notAfterDate,
  extensions: [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ],
}).then((pems) => {
  fs.writeFileSync(keyPath, pems.private, { mode: 0o600 });
  fs.writeFileSync(certPath, pems.cert);
}).catch((err) => { console.error(err); process.exit(1); });
`;

/** Ensures the certificate files exist and are valid for a while; returns their paths. */
export function ensureEmulatorCertificate(): EmulatorCertificate {
  const dir = path.join(repoRoot(), '.local', 'emulator-tls');
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (isUsable(certPath, keyPath)) return { certPath, keyPath };
  mkdirSync(dir, { recursive: true });
  const selfsignedPath = require.resolve('selfsigned');
  execFileSync(process.execPath, ['-e', GENERATOR, selfsignedPath, certPath, keyPath, String(VALID_YEARS)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!isUsable(certPath, keyPath)) throw new Error(`Could not create a usable TLS certificate in ${dir}.`);
  return { certPath, keyPath };
}

if (require.main === module) {
  console.log(ensureEmulatorCertificate().certPath);
}
