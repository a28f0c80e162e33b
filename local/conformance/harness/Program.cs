// The conformance harness: Microsoft's Durable Functions extension (Microsoft.Azure.WebJobs.Extensions.DurableTask)
// hosted on the WebJobs SDK, with the Azure Storage backend (DurableTask.AzureStorage) on Azurite. Every orchestrator
// and activity execution goes to the Node bridge (generated/Functions.cs, written from the app's registrations by local/conformance/appFunctions.ts); the driver (local/conformance/run.ts) starts
// instances and raises events through the extension's own local RPC endpoint (the URI printed as "[harness] rpc").
//
// Settings (environment): AzureWebJobsStorage (Azurite connection string), CONFORMANCE_BRIDGE_URL,
// CONFORMANCE_TASK_HUB, CONFORMANCE_HOST_JSON (the app's host.json: its extensions.durableTask section configures the
// extension as in production, except hubName and storageProvider, which are the harness's).
using System.Reflection;
using Conformance;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

string hub = Environment.GetEnvironmentVariable("CONFORMANCE_TASK_HUB") ?? "ConformanceHub";
JObject durableSection = HostJson.DurableTaskSection(Environment.GetEnvironmentVariable("CONFORMANCE_HOST_JSON")
    ?? throw new InvalidOperationException("CONFORMANCE_HOST_JSON is not set"));
Bridge.Configure(Environment.GetEnvironmentVariable("CONFORMANCE_BRIDGE_URL")
    ?? throw new InvalidOperationException("CONFORMANCE_BRIDGE_URL is not set"));

IHost host = new HostBuilder()
    .ConfigureWebJobs(webJobs =>
    {
        webJobs.AddDurableTask(options =>
        {
            // What production's host.json says (versioning, limits...), then what only the harness decides.
            JsonConvert.PopulateObject(durableSection.ToString(), options);
            options.HubName = hub;
            // The endpoint a Node app's durable client talks to (what the Functions host turns on for Node apps).
            options.LocalRpcEndpointEnabled = true;
            // Short polling so a run takes minutes, one partition to spare a loaded machine.
            options.StorageProvider["partitionCount"] = 1;
            options.StorageProvider["maxQueuePollingInterval"] = "00:00:01";
            // Messages a killed worker had dequeued come back after this (default 5 minutes; 1 minute is the least allowed): the crash scenario.
            options.StorageProvider["controlQueueVisibilityTimeout"] = "00:01:00";
            options.StorageProvider["workItemQueueVisibilityTimeout"] = "00:01:00";
            options.MaxConcurrentActivityFunctions = 4;
            options.MaxConcurrentOrchestratorFunctions = 4;
        });
    })
    .ConfigureServices(services =>
    {
        services.AddSingleton<ITypeLocator>(new FunctionTypes(typeof(Functions)));
#pragma warning disable CS0618 // the Functions host provides the extension's webhook URL through this (obsolete) interface
        services.AddSingleton<IWebHookProvider, WebhookUrl>();
#pragma warning restore CS0618
    })
    .ConfigureLogging(logging =>
    {
        logging.ClearProviders();
        logging.AddProvider(new LineLoggerProvider());
        logging.SetMinimumLevel(LogLevel.Information);
    })
    .Build();

string version = typeof(DurableTaskExtension).Assembly
    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
string coreVersion = typeof(DurableTask.Core.TaskOrchestration).Assembly
    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
string storageVersion = typeof(DurableTask.AzureStorage.AzureStorageOrchestrationService).Assembly
    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
Console.WriteLine($"[harness] Microsoft.Azure.WebJobs.Extensions.DurableTask {version}; DurableTask.Core {coreVersion}; DurableTask.AzureStorage {storageVersion}; hub {hub}");

await host.StartAsync();
DurableTaskOptions applied = host.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
Console.WriteLine($"[harness] options defaultVersion={applied.DefaultVersion ?? ""} versionMatchStrategy={applied.VersionMatchStrategy} versionFailureStrategy={applied.VersionFailureStrategy}");
// The extension tries port 17071 and falls back to a random one: the driver uses the one it really listens on.
Console.WriteLine($"[harness] rpc {HostJson.LocalRpcUri(host.Services)}");
Console.WriteLine("[harness] ready");
var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
// The driver closes stdin to ask for a clean stop (it kills the process outright in the crash scenario).
_ = Task.Run(() => { Console.In.ReadToEnd(); stopped.TrySetResult(); });
await stopped.Task;
await host.StopAsync();
Console.WriteLine("[harness] stopped");

namespace Conformance
{
    internal static class HostJson
    {
        /// <summary>host.json's extensions.durableTask, without what the harness sets itself (task hub, storage).</summary>
        public static JObject DurableTaskSection(string path)
        {
            var root = JObject.Parse(File.ReadAllText(path));
            var section = root.SelectToken("extensions.durableTask") as JObject
                ?? throw new InvalidOperationException($"{path} has no extensions.durableTask section");
            var copy = (JObject)section.DeepClone();
            copy.Remove("hubName");
            copy.Remove("storageProvider");
            return copy;
        }

        /// <summary>The URI of the extension's local RPC endpoint, read from its listener (internal to the extension, two fields deep at most).</summary>
        public static Uri LocalRpcUri(IServiceProvider services)
        {
            object extension = services.GetServices<IExtensionConfigProvider>().OfType<DurableTaskExtension>().Single();
            object listener = FindField(extension, "LocalHttpListener", 2)
                ?? throw new InvalidOperationException("the extension has no local HTTP listener");
            return listener.GetType().GetProperty("InternalRpcUri")?.GetValue(listener) as Uri
                ?? throw new InvalidOperationException("the local HTTP listener has no InternalRpcUri");
        }

        private static object? FindField(object owner, string typeName, int depth)
        {
            const BindingFlags Flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
            foreach (FieldInfo field in owner.GetType().GetFields(Flags))
            {
                object? value = field.GetValue(owner);
                if (value is null) continue;
                if (value.GetType().Name == typeName) return value;
                if (depth > 1 && value.GetType().Namespace == typeof(DurableTaskExtension).Namespace)
                {
                    object? inner = FindField(value, typeName, depth - 1);
                    if (inner is not null) return inner;
                }
            }
            return null;
        }
    }

    /// <summary>The WebJobs SDK indexes only the functions in these types.</summary>
    internal sealed class FunctionTypes(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }

#pragma warning disable CS0618
    /// <summary>The base of the status links in management answers (the Functions host gives its own URL).</summary>
    internal sealed class WebhookUrl : IWebHookProvider
    {
        public Uri GetUrl(Microsoft.Azure.WebJobs.Host.Config.IExtensionConfigProvider extension) =>
            new("http://127.0.0.1:17071/runtime/webhooks/durabletask");
    }
#pragma warning restore CS0618

    /// <summary>One line per log entry on stdout: warnings and errors from everything, information from the harness and the extension.</summary>
    internal sealed class LineLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName);

        public void Dispose() { }

        private sealed class LineLogger(string category) : ILogger
        {
            private readonly bool verbose = Environment.GetEnvironmentVariable("CONFORMANCE_VERBOSE") == "1";

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) =>
                logLevel >= LogLevel.Warning || (this.verbose && logLevel >= LogLevel.Information && !category.StartsWith("Azure.Core"));

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!this.IsEnabled(logLevel)) return;
                string message = formatter(state, exception);
                Console.WriteLine($"[{logLevel}] {category}: {message}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
