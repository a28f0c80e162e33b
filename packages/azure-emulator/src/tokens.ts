/**
 * JWT-shaped access tokens the emulator's managed-identity endpoint issues and its APIs check
 * (HS256 with a per-emulator key, so a token from another emulator instance is rejected).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  tid: string;
  sub: string;
  appid: string;
  idtyp: string;
  [key: string]: unknown;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface TokenIssuer {
  issue(resource: string, lifetimeSeconds?: number): { token: string; claims: TokenClaims };
  /** The claims when the token is well formed, signed by this emulator and not expired; else a reason. */
  verify(token: string): { claims: TokenClaims } | { reason: string };
}

export function createTokenIssuer(identity: { tenantId: string; principalId: string; clientId: string }): TokenIssuer {
  const key = randomBytes(32);
  const sign = (input: string): string => b64url(createHmac('sha256', key).update(input).digest());
  return {
    issue(resource, lifetimeSeconds = 3600 * 24) {
      const now = Math.floor(Date.now() / 1000);
      const claims: TokenClaims = {
        aud: resource,
        iss: `https://sts.windows.net/${identity.tenantId}/`,
        iat: now - 5,
        nbf: now - 5,
        exp: now + lifetimeSeconds,
        oid: identity.principalId,
        tid: identity.tenantId,
        sub: identity.principalId,
        appid: identity.clientId,
        idtyp: 'app',
      };
      const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = b64url(JSON.stringify(claims));
      return { token: `${head}.${body}.${sign(`${head}.${body}`)}`, claims };
    },
    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return { reason: 'the token is not a JWT' };
      const [head, body, signature] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${head}.${body}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return { reason: 'the token signature is invalid (not issued by this emulator)' };
      }
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      } catch {
        return { reason: 'the token payload is not JSON' };
      }
      if (claims.exp * 1000 < Date.now()) return { reason: 'the token is expired' };
      return { claims };
    },
  };
}

/** True when the token audience is `resource` (with or without trailing slash or `/.default`). */
export function audienceMatches(aud: string, resource: string): boolean {
  const norm = (s: string): string =>
    s
      .replace(/\/\.default$/, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return norm(aud) === norm(resource);
}
