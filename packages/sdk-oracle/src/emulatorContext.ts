/**
 * Starts the Azure emulator for the SDK-as-client checks and writes `WORK/emulator.json` (URLs, ids, env) for them.
 * (Filled in by the client checks.) Returns the environment the Python process needs and a stop function.
 */
export interface EmulatorContext {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startEmulatorContext(_work: string): Promise<EmulatorContext> {
  return { env: {}, stop: async () => {} };
}
