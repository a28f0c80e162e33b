/**
 * The local host's request body limit for this app, `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` (the Functions host's own
 * app setting, which infra/main.bicep sets in Azure too): 4 MiB, or the app's MAX_REQUEST_BODY_BYTES plus 64 KiB if
 * that is larger. Bodies up to it reach the app, which answers 413 with its JSON error over MAX_REQUEST_BODY_BYTES;
 * larger ones are refused by the host while they stream, so memory stays flat (bench/body-limit.ts).
 */
export const HOST_BODY_LIMIT_FLOOR = 4 * 1024 * 1024;

export function hostBodyLimit(env: Record<string, string | undefined>): string {
  if (env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT) return env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT;
  const app = Number(env.MAX_REQUEST_BODY_BYTES) || 1024 * 1024;
  return String(Math.max(HOST_BODY_LIMIT_FLOOR, app + 64 * 1024));
}
