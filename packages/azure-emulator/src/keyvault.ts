/**
 * Key Vault secrets data plane (api-version 2025-07-01): set (a new version every PUT), get (latest via the empty
 * trailing version the JS SDK sends), list, list versions, 404 SecretNotFound. Paths `/secrets/...` on the
 * emulator's host; the vault URL is the emulator URL.
 */
import { randomBytes } from 'node:crypto';
import { decode, json, type EmuRequest, type EmuResponse, type Route } from './http';

export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  created: number;
  updated: number;
}

export class SecretStore {
  private readonly secrets = new Map<string, SecretVersion[]>();

  set(name: string, value: string, extra: { contentType?: string; tags?: Record<string, string> } = {}): SecretVersion {
    const now = Math.floor(Date.now() / 1000);
    const version: SecretVersion = {
      version: randomBytes(16).toString('hex'),
      value,
      enabled: true,
      created: now,
      updated: now,
      ...(extra.contentType !== undefined ? { contentType: extra.contentType } : {}),
      ...(extra.tags !== undefined ? { tags: extra.tags } : {}),
    };
    const key = name.toLowerCase();
    const list = this.secrets.get(key) ?? [];
    list.push(version);
    this.secrets.set(key, list);
    return version;
  }

  /** Latest version when `version` is empty. */
  get(name: string, version = ''): SecretVersion | undefined {
    const list = this.secrets.get(name.toLowerCase());
    if (!list) return undefined;
    return version ? list.find((v) => v.version === version) : list[list.length - 1];
  }

  versions(name: string): SecretVersion[] {
    return this.secrets.get(name.toLowerCase()) ?? [];
  }

  names(): string[] {
    return [...this.secrets.keys()];
  }

  summary(): { name: string; versions: number }[] {
    return [...this.secrets.entries()].map(([name, list]) => ({ name, versions: list.length }));
  }

  /**
   * Every version of every secret, for saving the emulator's state (`npm start`), values left out: the file is on
   * disk and the values may be real keys. After a restore, syncSecrets sees a different value and writes a version.
   */
  dump(): [string, SecretVersion[]][] {
    return [...this.secrets.entries()].map(([name, list]) => [
      name,
      list.map((v) => ({ ...v, value: '(value not saved across emulator restarts)' })),
    ]);
  }

  /** Replaces the store's content with a `dump()`. */
  load(entries: [string, SecretVersion[]][]): void {
    this.secrets.clear();
    for (const [name, list] of entries) this.secrets.set(name, list);
  }
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

const notFound = (name: string): EmuResponse =>
  json(404, {
    error: {
      code: 'SecretNotFound',
      message: `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    },
  });

const badParameter = (message: string): EmuResponse => json(400, { error: { code: 'BadParameter', message } });

const attributes = (v: SecretVersion): Record<string, unknown> => ({
  enabled: v.enabled,
  created: v.created,
  updated: v.updated,
  recoveryLevel: 'Recoverable+Purgeable',
  recoverableDays: 90,
});

const item = (id: string, v: SecretVersion): Record<string, unknown> => ({
  id,
  attributes: attributes(v),
  ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
  ...(v.tags !== undefined ? { tags: v.tags } : {}),
});
const checkName = (name: string): EmuResponse | undefined =>
  SECRET_NAME.test(name)
    ? undefined
    : badParameter(
        `The request URI contains an invalid name: ${name}. Follow this link for more information on naming rules: https://aka.ms/kvsecretnames`,
      );

export function keyVaultRoutes(store: SecretStore, vaultUrl: () => string): Route[] {
  const bundle = (name: string, v: SecretVersion): Record<string, unknown> => ({
    value: v.value,
    id: `${vaultUrl()}/secrets/${name}/${v.version}`,
    attributes: attributes(v),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
  });

  return [
    {
      method: 'GET',
      pattern: /^\/secrets\/?$/,
      handler: () =>
        json(200, {
          value: store.names().map((name) => {
            const latest = store.get(name);
            return item(`${vaultUrl()}/secrets/${name}`, latest!);
          }),
          nextLink: null,
        }),
    },
    {
      method: 'GET',
      pattern: /^\/secrets\/([^/]+)\/versions\/?$/,
      handler: (_req, m) => {
        const name = decode(m[1]);
        const versions = store.versions(name);
        if (versions.length === 0) return notFound(name);
        return json(200, {
          value: [...versions].reverse().map((v) => item(`${vaultUrl()}/secrets/${name}/${v.version}`, v)),
          nextLink: null,
        });
      },
    },
    {
      method: 'PUT',
      pattern: /^\/secrets\/([^/]+)\/?$/,
      handler: (req: EmuRequest, m) => {
        const name = decode(m[1]);
        const invalid = checkName(name);
        if (invalid) return invalid;
        const body = req.body as { value?: unknown; contentType?: unknown; tags?: unknown } | undefined;
        if (!body || typeof body.value !== 'string') return badParameter('The secret value must be a string.');
        const v = store.set(name, body.value, {
          ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}),
          ...(body.tags && typeof body.tags === 'object' ? { tags: body.tags as Record<string, string> } : {}),
        });
        return json(200, bundle(name, v));
      },
    },
    {
      method: 'GET',
      pattern: /^\/secrets\/([^/]+)(?:\/([^/]*))?$/,
      handler: (_req, m) => {
        const name = decode(m[1]);
        const v = store.get(name, decode(m[2]));
        if (!v) return notFound(m[2] ? `${name}/${decode(m[2])}` : name);
        return json(200, bundle(name, v));
      },
    },
  ];
}
