/**
 * Azurite's blob service as a child process over HTTPS with OAuth (`--oauth basic`), so the real BlobServiceClient
 * with a token credential works against it; plus a tiny writer the emulator uses to put job logs into it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TokenIssuer } from './tokens';

export interface AzuriteBlob {
  /** `https://127.0.0.1:<port>/devstoreaccount1` */
  accountUrl: string;
  stop(): Promise<void>;
}

export async function startAzuriteBlob(options: {
  certPath: string;
  keyPath: string;
  location: string;
  inMemory?: boolean;
  /** 0 or absent: any free port. */
  port?: number;
}): Promise<AzuriteBlob> {
  mkdirSync(options.location, { recursive: true });
  const bin = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  // Azurite runs under a tiny bootstrap that stops it when our end of its stdin closes, so it never outlives the
  // process that started it (even when that process is killed): SIGTERM, so Azurite saves its blob metadata (it
  // autosaves only every 5 s), with an exit 5 s later if that hangs.
  const boot =
    "const bye=()=>{process.kill(process.pid,'SIGTERM');setTimeout(()=>process.exit(0),5000).unref()};" +
    "process.stdin.on('end',bye);process.stdin.on('error',bye);process.stdin.resume();require(process.argv[1]);";
  const args = [
    '-e',
    boot,
    bin,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(options.port ?? 0),
    ...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', options.location]),
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--disableTelemetry',
    '--oauth',
    'basic',
    '--cert',
    options.certPath,
    '--key',
    options.keyPath,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.location,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start within 30 s. Output:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /(?:listens on|listening at) https?:\/\/[^\s:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening. Output:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  // Never leave Azurite behind when the process that started it ends.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping = false;
  // Said at once, with what to do: otherwise only blob reads and writes would fail, later, with a refused connection.
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(
      `Azure emulator: Azurite (blob storage, pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; ` +
        'blob reads and writes fail until you stop and run `npm start` again (saved state and blobs are kept).',
    );
  });
  return {
    accountUrl: `https://127.0.0.1:${port}/devstoreaccount1`,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Writes block blobs into Azurite with a bearer token the emulator mints itself (no SDK, no shared key). */
export class BlobWriter {
  private readonly ca: Buffer;
  private readonly containers = new Map<string, Promise<void>>();

  constructor(
    private readonly accountUrl: string,
    certPath: string,
    private readonly issuer: TokenIssuer,
  ) {
    this.ca = readFileSync(certPath);
  }

  private request(method: string, url: string, body: string, headers: Record<string, string>): Promise<number> {
    const { token } = this.issuer.issue('https://storage.azure.com', 3600);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${token}`,
            'x-ms-version': '2025-11-05',
            'x-ms-date': new Date().toUTCString(),
            'Content-Length': String(Buffer.byteLength(body)),
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Creates the container unless it exists. */
  ensureContainer(container: string): Promise<void> {
    let pending = this.containers.get(container);
    if (!pending) {
      pending = this.request('PUT', `${this.accountUrl}/${container}?restype=container`, '', {}).then((status) => {
        if (status !== 201 && status !== 409)
          throw new Error(`Azurite: creating container ${container} answered ${status}`);
      });
      pending.catch(() => this.containers.delete(container));
      this.containers.set(container, pending);
    }
    return pending;
  }

  async put(container: string, blobPath: string, content: string): Promise<void> {
    await this.ensureContainer(container);
    const url = `${this.accountUrl}/${container}/${blobPath.split('/').map(encodeURIComponent).join('/')}`;
    const status = await this.request('PUT', url, content, {
      'x-ms-blob-type': 'BlockBlob',
      'Content-Type': 'text/plain; charset=utf-8',
    });
    if (status !== 201) throw new Error(`Azurite: writing ${container}/${blobPath} answered ${status}`);
  }
}
