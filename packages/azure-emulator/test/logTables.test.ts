/**
 * The emulator's Log Analytics tables carry only columns Microsoft's table reference lists, with its types
 * (learn.microsoft.com/azure/azure-monitor/reference/tables/<table>; source `MicrosoftDocs/azure-reference-other`,
 * `azure-monitor-ref/tables/amlcomputejobevent.md` at 021df51f, `amlcomputeclusterevent.md`,
 * `amlrunstatuschangedevent.md` and its 2024 include, which adds ParentRunId and RootRunId). The lists below are
 * those references' column names and types, less the `_`-prefixed standard columns.
 */
import { TABLES } from '../src/events';

const s = 'string';
const REFERENCE: Record<string, Record<string, string>> = {
  AmlRunStatusChangedEvent: {
    ...Object.fromEntries(
      [
        'CallerIpAddress',
        'CorrelationId',
        'DurationMs',
        'Identity',
        'Level',
        'Location',
        'Message',
        'OperationName',
        'OperationVersion',
        'ParentRunId',
        'ResultDescription',
        'ResultSignature',
        'ResultType',
        'RootRunId',
        'RunId',
        'SourceSystem',
        'Status',
        'TenantId',
        'TriggeringUserName',
        'Type',
        'WorkspaceId',
        'WorkspaceName',
      ].map((c) => [c, s]),
    ),
    TimeGenerated: 'datetime',
  },
  AmlComputeJobEvent: {
    ...Object.fromEntries(
      [
        'ClusterId',
        'ClusterName',
        'ClusterResourceGroupName',
        'CreationApiVersion',
        'CustomerSubscriptionId',
        'ErrorDetails',
        'EventType',
        'ExecutionState',
        'ExperimentId',
        'ExperimentName',
        'InternalOperationName',
        'JobErrorMessage',
        'JobId',
        'JobName',
        'NodeId',
        'OperationName',
        'ProvisioningState',
        'ResourceGroupName',
        'ResultSignature',
        'RunInContainer',
        'SourceSystem',
        'TenantId',
        'TFParameterServerCount',
        'TFWorkerCount',
        'ToolType',
        'Type',
        'WorkspaceName',
      ].map((c) => [c, s]),
    ),
    TimeGenerated: 'datetime',
  },
  AmlComputeClusterEvent: {
    ...Object.fromEntries(
      [
        'AllocationState',
        'ClusterErrorCodes',
        'ClusterName',
        'ClusterType',
        'CreatedBy',
        'CreationApiVersion',
        'EventType',
        'InternalOperationName',
        'IsResizeGrow',
        'NodeDeallocationOption',
        'Offer',
        'OperationName',
        'PreemptedNodeCount',
        'ProvisioningState',
        'Publisher',
        'QuotaAllocated',
        'QuotaUtilized',
        'ResultSignature',
        'ScalingType',
        'Sku',
        'SourceSystem',
        'SubnetId',
        'TenantId',
        'Type',
        'Version',
        'VmFamilyName',
        'VmPriority',
        'VmSize',
      ].map((c) => [c, s]),
    ),
    ...Object.fromEntries(
      [
        'CoreCount',
        'CurrentNodeCount',
        'IdleNodeCount',
        'InitialNodeCount',
        'LeavingNodeCount',
        'MaximumNodeCount',
        'MinimumNodeCount',
        'NodeIdleTimeSecondsBeforeScaleDown',
        'PreparingNodeCount',
        'RunningNodeCount',
        'TargetNodeCount',
        'UnusableNodeCount',
      ].map((c) => [c, 'int']),
    ),
    AllocationStateTransitionTime: 'datetime',
    TimeGenerated: 'datetime',
  },
};

describe("the emulator's Log Analytics tables", () => {
  it('are the AzureML tables of the reference', () => {
    expect(Object.keys(TABLES).sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it.each(Object.keys(REFERENCE))('%s has only columns the reference lists, with its types', (table) => {
    const invented = TABLES[table]!.filter((c) => REFERENCE[table]![c.name] !== c.type).map((c) => c.name);
    expect(invented).toEqual([]);
  });
});
