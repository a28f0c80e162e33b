// The app's orchestrators and activities, as the Functions host registers a Node app's: an orchestrator whose
// [OrchestrationTrigger] parameter is a string is out-of-process for the extension (it gets the context JSON and
// its returned JSON is executed by OutOfProcOrchestrationShim); an activity gets its input as JSON and returns JSON.
// Names must match the app's registrations (src/orchestrators/names.ts, src/core/contracts.ts, raiseEvent).
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Conformance
{
    public static class Functions
    {
        [FunctionName("runExperiment")]
        public static string RunExperiment([OrchestrationTrigger] string context) => Bridge.Orchestrate("runExperiment", context);

        [FunctionName("monitorPipeline")]
        public static string MonitorPipeline([OrchestrationTrigger] string context) => Bridge.Orchestrate("monitorPipeline", context);

        [FunctionName("syncSecrets")]
        public static Task<JToken?> SyncSecrets([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("syncSecrets", activity, client);

        [FunctionName("ensureCompute")]
        public static Task<JToken?> EnsureCompute([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("ensureCompute", activity, client);

        [FunctionName("registerComponents")]
        public static Task<JToken?> RegisterComponents([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("registerComponents", activity, client);

        [FunctionName("stageConfig")]
        public static Task<JToken?> StageConfig([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("stageConfig", activity, client);

        [FunctionName("submitPipeline")]
        public static Task<JToken?> SubmitPipeline([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("submitPipeline", activity, client);

        [FunctionName("getPipelineStatus")]
        public static Task<JToken?> GetPipelineStatus([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("getPipelineStatus", activity, client);

        [FunctionName("cancelPipeline")]
        public static Task<JToken?> CancelPipeline([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("cancelPipeline", activity, client);

        [FunctionName("diagnoseFailure")]
        public static Task<JToken?> DiagnoseFailure([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("diagnoseFailure", activity, client);

        [FunctionName("fetchMetrics")]
        public static Task<JToken?> FetchMetrics([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("fetchMetrics", activity, client);

        [FunctionName("raiseEvent")]
        public static Task<JToken?> RaiseEvent([ActivityTrigger] IDurableActivityContext activity, [DurableClient] string client) => Bridge.Activity("raiseEvent", activity, client);
    }
}
