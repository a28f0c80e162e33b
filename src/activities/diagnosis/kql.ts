/**
 * The Log Analytics queries of diagnoseFailure. Pure. Written within the subset the local emulator implements
 * (`where` with ==, in, isnotempty, and/or; `order by`; `take`), which is also valid KQL.
 */

/** KQL string literal. */
export const kqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const list = (values: readonly string[]): string => values.map(kqlString).join(', ');

/** Status changes of the job and its step runs (their failure messages). */
export function runStatusQuery(jobName: string, runIds: readonly string[]): string {
  const ids = [jobName, ...runIds];
  return [
    'AmlRunStatusChangedEvent',
    '| where TimeGenerated > ago(7d)',
    `| where RunId in (${list(ids)}) or ParentRunId == ${kqlString(jobName)} or RootRunId == ${kqlString(jobName)}`,
    '| order by TimeGenerated asc',
    '| take 200',
  ].join('\n');
}

/** Compute job events of the step runs (per node errors). */
export function computeJobQuery(jobName: string, runIds: readonly string[]): string {
  const ids = [jobName, ...runIds];
  return [
    'AmlComputeJobEvent',
    '| where TimeGenerated > ago(7d)',
    `| where JobName in (${list(ids)}) or JobId in (${list(ids)})`,
    '| where isnotempty(JobErrorMessage) or isnotempty(ErrorDetails)',
    '| order by TimeGenerated asc',
    '| take 500',
  ].join('\n');
}

/** Cluster events with errors (allocation, quota). */
export function clusterQuery(clusterName: string): string {
  return [
    'AmlComputeClusterEvent',
    '| where TimeGenerated > ago(7d)',
    `| where ClusterName == ${kqlString(clusterName)}`,
    '| where isnotempty(ClusterErrorCodes)',
    '| order by TimeGenerated desc',
    '| take 50',
  ].join('\n');
}
