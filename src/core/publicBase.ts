/**
 * The base URL a caller used to reach the app, for `Location`, `statusUri` and paging links. `X-Forwarded-Host` is
 * a client's to write, so it counts only when it names one of the hosts the operator listed in
 * `TRUSTED_FORWARDED_HOSTS` (the public names of the proxies in front of the app: Front Door, API Management,
 * Application Gateway); otherwise the request's own host is used. The worker never sees the peer's address (the
 * Functions host and App Service's front ends sit between), so a proxy is named by the host it forwards for: a
 * client that forges the header can at most get a link to that proxy. `X-Forwarded-Proto` is only ever `http` or
 * `https` (App Service terminates TLS and sets it; any other value, e.g. `javascript`, is ignored). Pure.
 */

/** Parses `TRUSTED_FORWARDED_HOSTS` (comma-separated `host` or `host:port`); malformed entries are returned apart. */
export function parseForwardedHosts(raw: string | undefined): { hosts: string[]; invalid: string[] } {
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const entry of (raw ?? '').split(',').map((h) => h.trim().toLowerCase())) {
    if (!entry) continue;
    if (
      /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/.test(entry)
    ) {
      hosts.push(entry);
    } else invalid.push(entry);
  }
  return { hosts, invalid };
}

/** The first value of a possibly comma-separated forwarded header (`<client>, <proxy1>, …`), lower-cased. */
const firstValue = (header: string | null | undefined): string | undefined =>
  header?.split(',')[0]?.trim().toLowerCase() || undefined;

/** `scheme://host[/api]` for links in answers to a request to `requestUrl` with these headers. */
export function publicBase(
  requestUrl: string,
  header: (name: string) => string | null | undefined,
  trustedHosts: readonly string[],
): string {
  const url = new URL(requestUrl);
  const forwardedHost = firstValue(header('x-forwarded-host'));
  const host = forwardedHost && trustedHosts.includes(forwardedHost) ? forwardedHost : url.host;
  const forwardedProto = firstValue(header('x-forwarded-proto'));
  const own = url.protocol.replace(':', '');
  const proto =
    forwardedProto === 'http' || forwardedProto === 'https' ? forwardedProto : own === 'http' ? 'http' : 'https';
  const prefix = url.pathname.startsWith('/api/') ? '/api' : '';
  return `${proto}://${host}${prefix}`;
}
