// HTTP calls to the Node bridge (local/conformance/bridge.ts), which runs the app's real durable-functions handlers.
// A handler's failure comes back as the Functions host reports a Node worker's failure (an RpcException whose message
// reads "Result: Failure\nException: …\nStack: …"), which is what the extension parses for an out-of-process
// orchestrator's state ("$OutOfProcData$:") and an activity's failure reason.
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Conformance
{
    public static class Bridge
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };
        private static string baseUrl = "";

        public static void Configure(string url) => baseUrl = url.TrimEnd('/');

        /// <summary>Runs one orchestrator episode in Node; returns the OrchestratorState JSON.</summary>
        public static string Orchestrate(string name, string contextJson)
        {
            // The extension blocks on out-of-process orchestrators (they cannot do async I/O on its thread): so do we.
            return Post($"/orchestrator/{name}", contextJson).GetAwaiter().GetResult();
        }

        /// <summary>Runs one activity in Node with its input JSON and the durable client binding's JSON.</summary>
        public static async Task<JToken?> Activity(string name, IDurableActivityContext activity, string clientJson)
        {
            var payload = new JObject
            {
                ["instanceId"] = activity.InstanceId,
                ["input"] = activity.GetInput<JToken>(),
                ["client"] = JToken.Parse(clientJson),
            };
            string text = await Post($"/activity/{name}", payload.ToString(Formatting.None));
            return string.IsNullOrEmpty(text) ? null : JToken.Parse(text);
        }

        private static async Task<string> Post(string path, string body)
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await Http.PostAsync(baseUrl + path, content);
            string text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return text;
            var failure = JObject.Parse(text);
            throw new NodeFailureException(
                $"Result: Failure\nException: {failure.Value<string>("message")}\nStack: {failure.Value<string>("stack")}");
        }
    }

    /// <summary>A handler's failure, worded as the Functions host's RpcException.</summary>
    public sealed class NodeFailureException(string message) : Exception(message);
}
