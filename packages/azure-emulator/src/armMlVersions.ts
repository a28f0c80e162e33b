/** The AzureML ARM api-versions the emulator answers. */
export const ML_API_VERSION = '2022-10-01';

/**
 * The api-versions the emulator accepts on every AzureML ARM route (AzureML accepts each of its published versions on
 * every resource), all answered in the 2022-10-01 shapes: 2022-10-01 (`@azure/arm-machinelearning` 2.1.1, and
 * azure-ai-ml 1.4.0 for datastores, data and components), 2022-10-01-preview (azure-ai-ml 1.4.0 for workspaces,
 * computes and jobs) and 2022-05-01 (azure-ai-ml 1.4.0 for code and environments), as azure-ai-ml's `_ml_client.py`
 * gives each operation its REST client. That azure-ai-ml reads those answers is checked by `npm run sdk-oracle`.
 */
export const ML_API_VERSIONS: readonly string[] = [ML_API_VERSION, '2022-10-01-preview', '2022-05-01'];
