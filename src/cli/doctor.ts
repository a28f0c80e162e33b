/**
 * `npm run --silent cli -- doctor [experiment.json]`: the start's preflight for a person with real Azure settings
 * (environment, as the app reads them), signed in as DefaultAzureCredential finds them (`az login`), plus their own
 * permissions on the workspace. One line per check on stdout: `ok | problem | cannot tell`, the resource, what was
 * found and the fix. With an experiment (a POST /api/experiments body, or a bare accelerator config) it checks that
 * experiment's index slots and deployments; without one, the rest.
 * Exit 0: no problem; 1: a problem; 3: settings a run needs are unset; 2: the experiment is invalid.
 */
import type { TokenCredential } from '@azure/identity';
import { readPermissions } from '../lookups/preflight/permissionsRead';
import { runPreflight } from '../lookups/preflight/runPreflight';
import { createClients } from '../azure/clients';
import { checkRoles } from '../core/preflightAccess';
import { preflightNeeds, type PreflightNeeds } from '../core/preflightNeeds';
import { doctorLines, preflightVerdict } from '../core/preflightVerdict';
import { planExperimentRequest } from '../core/request';
import {
  parseSettings,
  runReadiness,
  runReadinessMessage,
  withoutSecrets,
  type Env,
  type Settings,
} from '../core/settings';
import * as sdk from '../azure/sdk';

export const DOCTOR_EXIT = { ok: 0, problem: 1, invalid: 2, notConfigured: 3 } as const;

export interface DoctorIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PLACEHOLDER_INPUTS = {
  data: 'azureml://datastores/workspaceblobstore/paths/doctor/documents/',
  evalData: 'azureml://datastores/workspaceblobstore/paths/doctor/eval.jsonl',
};

/**
 * Without an experiment: one new index (a name no Search index can have, so it is never "reused") and no
 * deployment.
 */
const ONE_NEW_INDEX = '<one new index>';

/** The needs of the experiment in `text`, or of the smallest experiment when absent. */
function needsOf(
  settings: Settings,
  text: string | undefined,
): { ok: true; needs: PreflightNeeds } | { ok: false; problems: string[] } {
  if (text === undefined) {
    return {
      ok: true,
      needs: {
        region: settings.workspaceRegion,
        vmSize: settings.compute.vmSize,
        maxNodes: settings.compute.maxNodes,
        indexNames: [ONE_NEW_INDEX],
        deployments: [],
      },
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, problems: [`not JSON: ${(e as Error).message}`] };
  }
  const body =
    typeof parsed === 'object' && parsed !== null && 'config' in parsed
      ? parsed
      : { config: parsed, inputs: PLACEHOLDER_INPUTS };
  const planned = planExperimentRequest(body, { experimentId: 'doctor', settings: withoutSecrets(settings) });
  if (!planned.ok) return { ok: false, problems: planned.problems.map((p) => `${p.path || '(root)'}: ${p.message}`) };
  return { ok: true, needs: preflightNeeds(settings, planned.plan, planned.request.config) };
}

export async function doctor(
  experimentText: string | undefined,
  env: Env,
  io: DoctorIo,
  credential: TokenCredential = new (sdk.identity().DefaultAzureCredential)(),
): Promise<number> {
  const { settings } = parseSettings(env);
  const notReady = runReadiness(settings);
  if (notReady) {
    io.stdout(`problem     settings          ${runReadinessMessage(notReady)}\n`);
    return DOCTOR_EXIT.notConfigured;
  }
  const needs = needsOf(settings, experimentText);
  if (!needs.ok) {
    io.stderr(needs.problems.join('\n') + '\n');
    return DOCTOR_EXIT.invalid;
  }
  const clients = createClients(settings, credential);
  const [checks, permissions] = await Promise.all([
    runPreflight(needs.needs, { settings, clients, log: () => undefined }),
    readPermissions(settings, clients.armRest()),
  ]);
  const all = [...checks, checkRoles(settings.workspaceName, permissions)];
  io.stdout(doctorLines(all).join('\n') + '\n');
  return preflightVerdict(all).ok ? DOCTOR_EXIT.ok : DOCTOR_EXIT.problem;
}
