/**
 * The input-URI policy for `inputs.data` and `inputs.evalData`: what AzureML can mount, and nothing that points the
 * compute cluster at a private network, a metadata endpoint or embedded credentials. See docs/planning.md.
 *
 * Accepted:
 * - `azureml://datastores/<datastore>/paths/<path>` (and the long form `azureml://subscriptions/…/datastores/…`);
 * - `azureml:<data asset>:<version>` and `azureml:<data asset>@latest`;
 * - `https://` on Azure Storage hosts (`*.blob.core.windows.net`, `*.dfs.core.windows.net`, and the sovereign
 *   clouds'), or on a host of INPUT_URI_ALLOWED_HOSTS.
 * Refused: other schemes, IP literals and names of loopback, link-local and private networks (even when allow-listed),
 * user names or passwords in the URL, a SAS token (a `sig` query parameter, in any URI), a `..` path segment,
 * whitespace, and URIs over MAX_INPUT_URI characters. A datastore path is normalised (src/core/datastoreInputs.ts).
 */

export const MAX_INPUT_URI = 2048;

/** Azure Storage endpoints AzureML reads data from (public, US Government, China clouds). */
export const AZURE_STORAGE_HOST_SUFFIXES = [
  '.blob.core.windows.net',
  '.dfs.core.windows.net',
  '.blob.core.usgovcloudapi.net',
  '.dfs.core.usgovcloudapi.net',
  '.blob.core.chinacloudapi.cn',
  '.dfs.core.chinacloudapi.cn',
] as const;

const DATASTORE_URI =
  /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/[A-Za-z0-9_]+\/paths\/\S*$/;
/** `azureml:<name>:<version>` or `azureml:<name>@latest` (AzureML asset names: letters, digits, `-`, `_`, `.`). */
const ASSET_URI = /^azureml:[A-Za-z0-9][A-Za-z0-9._-]{0,254}(?::[A-Za-z0-9][A-Za-z0-9._-]{0,49}|@latest)$/;

/** Why an input URI is refused (a sentence naming the rule), or undefined when it is accepted. */
export function inputUriProblem(uri: string, allowedHosts: readonly string[] = []): string | undefined {
  if (uri.length > MAX_INPUT_URI) {
    return `The URI is ${uri.length} characters; input URIs are at most ${MAX_INPUT_URI}.`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'The URI contains whitespace or control characters.';
  if (hasSasSignature(uri)) {
    return (
      'The URI carries a SAS token (sig=…): AzureML copies input URIs into the job, where anyone who can read the ' +
      'job sees it. Register the storage as an AzureML datastore (azureml://datastores/<name>/paths/…) or give ' +
      "the compute cluster's identity 'Storage Blob Data Reader' (identity-based access), and drop the token."
    );
  }
  if (hasParentSegment(uri)) return "The URI's path has a '..' segment: name the folder or file itself.";
  if (uri.startsWith('azureml://')) {
    return DATASTORE_URI.test(uri)
      ? undefined
      : 'An azureml:// URI must name a datastore path: azureml://datastores/<datastore>/paths/<path>.';
  }
  if (uri.startsWith('azureml:')) {
    return ASSET_URI.test(uri)
      ? undefined
      : 'A data asset is azureml:<name>:<version> or azureml:<name>@latest (letters, digits, "-", "_" and ".").';
  }
  if (!/^https:\/\//i.test(uri)) {
    return 'Use an azureml://datastores/… URI, an azureml:<asset>:<version> data asset, or an https:// Azure Storage URL.';
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'The https URL does not parse.';
  }
  if (url.username || url.password) {
    return 'The URL carries a user name or password; never put credentials in a URL (AzureML reads the data with the cluster identity or a datastore).';
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const internal = internalHostReason(host);
  if (internal) return `The URL points at ${internal}, which AzureML must not be sent to.`;
  const allowed =
    AZURE_STORAGE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)) ||
    allowedHosts.some((entry) => hostMatches(host, entry.toLowerCase()));
  if (!allowed) {
    return (
      `The host ${host} is not an Azure Storage endpoint (*.blob.core.windows.net, *.dfs.core.windows.net…). ` +
      'Register the data as an AzureML datastore or data asset, or add the host to the app setting INPUT_URI_ALLOWED_HOSTS.'
    );
  }
  return undefined;
}

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** Whether a query parameter of the URI is a SAS signature (`sig`, in any case or percent-encoding). */
function hasSasSignature(uri: string): boolean {
  const query = uri.split('#')[0]?.split('?').slice(1).join('?') ?? '';
  return query.split(/[&;]/).some((pair) => decoded(pair.split('=')[0] ?? '').toLowerCase() === 'sig');
}

/** Whether the URI's path (before `?` or `#`) has a `..` segment, also percent-encoded or after a backslash. */
function hasParentSegment(uri: string): boolean {
  const path = uri.split(/[?#]/)[0] ?? '';
  return path.split(/[/\\]/).some((segment) => decoded(segment).trim() === '..');
}

/** `contoso.com` matches itself; `.contoso.com` matches its subdomains. */
function hostMatches(host: string, entry: string): boolean {
  if (!entry) return false;
  return entry.startsWith('.') ? host.endsWith(entry) : host === entry;
}

/** A description of a loopback, link-local, private or otherwise internal host, or undefined. */
export function internalHostReason(host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return 'a loopback name';
  if (bare.endsWith('.internal') || bare.endsWith('.local')) return 'an internal name';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 127) return 'a loopback address';
    if (a === 169 && b === 254) return 'a link-local address (the instance metadata service lives there)';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address';
    if (a === 100 && b >= 64 && b <= 127) return 'a shared (carrier-grade NAT) address';
    if (a === 0) return 'an unspecified address';
    return 'an IP address (use the storage account host name)';
  }
  if (bare.includes(':')) {
    if (bare === '::1' || bare === '::') return 'a loopback address';
    if (/^fe[89ab]/.test(bare)) return 'a link-local address';
    if (/^f[cd]/.test(bare)) return 'a private address';
    return 'an IP address (use the storage account host name)';
  }
  return undefined;
}
