/**
 * URLs of the extension's public HTTP API, as the real extension builds them for the durable client binding
 * (`creationUrls`, `managementUrls`) and for `createCheckStatusResponse`.
 */

export const ROUTE_PREFIX = '/runtime/webhooks/durabletask';
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

export interface UrlContext {
  baseUrl: string;
  taskHub: string;
  /** System key `durabletask_extension` when the host has keys. */
  systemKey: string | undefined;
}

function query(ctx: UrlContext): string {
  return `taskHub=${encodeURIComponent(ctx.taskHub)}&connection=Storage${ctx.systemKey ? `&code=${encodeURIComponent(ctx.systemKey)}` : ''}`;
}

export function webhookBase(ctx: UrlContext): string {
  return ctx.baseUrl.replace(/\/+$/, '') + ROUTE_PREFIX;
}

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function managementUrls(ctx: UrlContext, instanceId: string): ManagementUrls {
  const q = query(ctx);
  const instance = `${webhookBase(ctx)}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${q}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${q}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${instance}?${q}`,
    restartPostUri: `${instance}/restart?${q}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${q}`,
    resumePostUri: `${instance}/resume?reason={text}&${q}`,
  };
}

export function creationUrls(ctx: UrlContext): {
  createNewInstancePostUri: string;
  createAndWaitOnNewInstancePostUri: string;
} {
  const q = query(ctx);
  const prefix = `${webhookBase(ctx)}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    createNewInstancePostUri: `${prefix}?${q}`,
    createAndWaitOnNewInstancePostUri: `${prefix}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${q}`,
  };
}
