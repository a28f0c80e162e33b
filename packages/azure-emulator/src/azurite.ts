/**
 * The one Azurite launcher of the repository, as a child process that never outlives the process that started it:
 * - the emulator's blob service over HTTPS with OAuth (`--oauth basic`), so the real BlobServiceClient with a token
 *   credential works against it (`startAzuriteBlob`);
 * - blob, queue and table over plain HTTP in memory with the well-known development account, what the real Durable
 *   extension's DurableTask.AzureStorage needs (`startDevelopmentStorage`, used by the conformance harness).
 * Plus a tiny writer the emulator uses to put job logs into the blob service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TokenIssuer } from './tokens';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

type Service = 'blob' | 'queue' | 'table';

export interface AzuriteOptions {
  /** `['blob']` runs Azurite's blob service alone; all three run Azurite whole. */
  services: Service[];
  /** HTTPS with OAuth (basic) with this certificate; plain HTTP without. */
  tls?: { certPath: string; keyPath: string };
  /** Where it keeps its data (its working folder too); with `inMemory`, only its working folder. */
  location?: string;
  inMemory?: boolean;
  /** The blob port; 0 or absent: any free port (queue and table always take free ports). */
  blobPort?: number;
  /** Its output is not printed (`--silent`). */
  silent?: boolean;
  /** Told when Azurite exits without `stop()`. */
  onUnexpectedExit?: (how: string, pid: number | undefined) => void;
}

export interface Azurite {
  /** The port of each service started. */
  ports: Partial<Record<Service, number>>;
  stop(): Promise<void>;
}

export interface AzuriteBlob {
  /** `https://127.0.0.1:<port>/devstoreaccount1` */
  accountUrl: string;
  stop(): Promise<void>;
}

export interface DevelopmentStorage {
  /** The development account's connection string, with the three services' endpoints. */
  connectionString: string;
  stop(): Promise<void>;
}

function azuriteArgs(options: AzuriteOptions): string[] {
  const root = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src');
  const alone = options.services.length === 1;
  const bin = alone ? path.join(root, options.services[0]!, 'main.js') : path.join(root, 'azurite.js');
  // Azurite runs under a tiny bootstrap that stops it when our end of its stdin closes, so it never outlives the
  // process that started it (even when that process is killed): SIGTERM, so Azurite saves its blob metadata (it
  // autosaves only every 5 s), with an exit 5 s later if that hangs.
  const boot =
    "const bye=()=>{process.kill(process.pid,'SIGTERM');setTimeout(()=>process.exit(0),5000).unref()};" +
    "process.stdin.on('end',bye);process.stdin.on('error',bye);process.stdin.resume();require(process.argv[1]);";
  const args = ['-e', boot, bin];
  for (const service of alone ? options.services : (['blob', 'queue', 'table'] as const)) {
    const port = service === 'blob' ? (options.blobPort ?? 0) : 0;
    args.push(`--${service}Host`, '127.0.0.1', `--${service}Port`, String(port));
  }
  args.push(...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', options.location ?? '.']));
  args.push('--skipApiVersionCheck', '--loose', '--disableTelemetry', ...(options.silent ? ['--silent'] : []));
  if (options.tls) args.push('--oauth', 'basic', '--cert', options.tls.certPath, '--key', options.tls.keyPath);
  return args;
}

/** Resolves with each service's port once Azurite says it listens; rejects if it exits or takes 30 s. */
function listeningPorts(child: ChildProcess, services: Service[]): Promise<Partial<Record<Service, number>>> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start within 30 s. Output:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const found: Partial<Record<Service, number>> = {};
      const said =
        /Azurite (Blob|Queue|Table) service (?:is successfully listening at|successfully listens on) https?:\/\/[^\s:]+:(\d+)/g;
      for (const m of output.matchAll(said)) found[(m[1] ?? '').toLowerCase() as Service] = Number(m[2]);
      if (services.every((service) => found[service])) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening. Output:\n${output}`));
    });
  });
}

export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  if (options.location) mkdirSync(options.location, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, azuriteArgs(options), {
    ...(options.location ? { cwd: options.location } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ports = await listeningPorts(child, options.services);
  child.stdout?.resume();
  child.stderr?.resume();
  // Never leave Azurite behind when the process that started it ends.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      options.onUnexpectedExit?.(signal ? `was killed by ${signal}` : `exited with code ${code}`, child.pid);
  });
  return {
    ports,
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

/** The emulator's blob service: HTTPS, OAuth, kept in `location` unless `inMemory`. */
export async function startAzuriteBlob(options: {
  certPath: string;
  keyPath: string;
  location: string;
  inMemory?: boolean;
  /** 0 or absent: any free port. */
  port?: number;
}): Promise<AzuriteBlob> {
  const azurite = await startAzurite({
    services: ['blob'],
    tls: { certPath: options.certPath, keyPath: options.keyPath },
    location: options.location,
    ...(options.inMemory !== undefined ? { inMemory: options.inMemory } : {}),
    ...(options.port !== undefined ? { blobPort: options.port } : {}),
    silent: true,
    // Said at once, with what to do: otherwise only blob reads and writes would fail, later, with a refused connection.
    onUnexpectedExit: (how, pid) =>
      console.error(
        `Azure emulator: Azurite (blob storage, pid ${pid}) ${how}; ` +
          'blob reads and writes fail until you stop and run `npm start` again (saved state and blobs are kept).',
      ),
  });
  return { accountUrl: `https://127.0.0.1:${azurite.ports.blob}/${DEV_ACCOUNT}`, stop: azurite.stop };
}

/** Blob, queue and table over HTTP, in memory, with the development account: the Durable extension's storage. */
export async function startDevelopmentStorage(): Promise<DevelopmentStorage> {
  const azurite = await startAzurite({ services: ['blob', 'queue', 'table'], inMemory: true });
  const endpoint = (service: Service): string => `http://127.0.0.1:${azurite.ports[service]}/${DEV_ACCOUNT}`;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${endpoint('blob')};QueueEndpoint=${endpoint('queue')};TableEndpoint=${endpoint('table')};`,
    stop: azurite.stop,
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
