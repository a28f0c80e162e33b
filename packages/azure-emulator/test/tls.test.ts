import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureEmulatorCertificate } from '../src/tls';

describe('the emulator certificate', () => {
  it('is the fixed .local/emulator-tls pair, for localhost and loopback, long-lived, and not remade when valid', () => {
    const first = ensureEmulatorCertificate();
    // The npm workspace root holding the package (the repository).
    const root = path.resolve(__dirname, '../../..');
    expect(first).toEqual({
      certPath: path.join(root, '.local/emulator-tls/cert.pem'),
      keyPath: path.join(root, '.local/emulator-tls/key.pem'),
    });
    const cert = new X509Certificate(readFileSync(first.certPath));
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/);
    expect(new Date(cert.validTo).getTime() - Date.now()).toBeGreaterThan(365 * 86_400_000);
    // Its own trust anchor: self-issued and a CA.
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    const mtime = statSync(first.certPath).mtimeMs;
    expect(ensureEmulatorCertificate()).toEqual(first);
    expect(statSync(first.certPath).mtimeMs).toBe(mtime);
  });
});
