/**
 * host.json as Microsoft documents it for a Node app on the Durable Task Scheduler (a JSON file: its sources are cited
 * here and in docs/deploy.md):
 * - Quickstart: Configure a Durable Functions app to use Durable Task Scheduler,
 *   https://learn.microsoft.com/azure/durable-task/scheduler/quickstart-durable-task-scheduler (MicrosoftDocs/azure-docs,
 *   articles/durable-task/scheduler/quickstart-durable-task-scheduler.md): extension bundle 4.32.0 or later,
 *   `[4.32.0, 5.0.0)`, and `storageProvider` `{ type: azureManaged, connectionStringName:
 *   DURABLE_TASK_SCHEDULER_CONNECTION_STRING }` with `hubName` `%TASKHUB_NAME%`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface HostJson {
  extensionBundle: { id: string; version: string };
  extensions: {
    durableTask: { hubName: string; storageProvider: { type: string; connectionStringName: string } };
  };
}

const host = JSON.parse(readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as HostJson;

/** `[a, b)` → its bounds as numbers to compare; a `*` in a bound reads as 0 (`4.*` allows 4.0.0). */
function bounds(range: string): { low: number[]; high: number[] } {
  const m = /^([[(])\s*([\d.*]+)\s*,\s*([\d.*]+)\s*([\])])$/.exec(range);
  if (!m) throw new Error(`not a version range: ${range}`);
  const parse = (v: string): number[] => [0, 1, 2].map((i) => Number(v.split('.')[i]?.replace('*', '0') ?? 0));
  return { low: parse(m[2] as string), high: parse(m[3] as string) };
}

const compare = (a: number[], b: number[]): number => a.reduce((acc, x, i) => (acc !== 0 ? acc : x - (b[i] ?? 0)), 0);

describe('host.json', () => {
  it('uses the Durable Task Scheduler through the setting infra/main.bicep writes, with the task hub of TASKHUB_NAME', () => {
    const { durableTask } = host.extensions;
    expect(durableTask.storageProvider).toEqual({
      type: 'azureManaged',
      connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
    });
    expect(durableTask.hubName).toBe('%TASKHUB_NAME%');
    const bicep = readFileSync(path.resolve(__dirname, '../../infra/main.bicep'), 'utf8');
    expect(bicep).toMatch(/^\s*DURABLE_TASK_SCHEDULER_CONNECTION_STRING: schedulerConnectionString$/m);
    expect(bicep).toMatch(/^\s*TASKHUB_NAME: taskHubName$/m);
  });

  it('allows no extension bundle older than 4.32.0, the first with the azureManaged provider, nor a 5.x', () => {
    expect(host.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    const { low, high } = bounds(host.extensionBundle.version);
    expect(compare(low, [4, 32, 0])).toBeGreaterThanOrEqual(0);
    expect(compare(high, [5, 0, 0])).toBeLessThanOrEqual(0);
    // The range the repository had before: it let the host pick a bundle without the provider.
    const previous = bounds('[4.*, 5.0.0)');
    expect(compare(previous.low, [4, 32, 0]) >= 0).toBe(false);
  });
});
