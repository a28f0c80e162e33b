import { parseSettings, type Settings } from './core/settings';

let cached: Settings | undefined;

/** The app's settings, parsed from `process.env` once per process (at first use, during start-up). */
export function getSettings(): Settings {
  if (!cached) {
    const { settings, problems } = parseSettings(process.env);
    for (const problem of problems) console.warn(`[settings] ${problem.message}`);
    cached = settings;
  }
  return cached;
}

/** Tests only: forget the parsed settings so the next call re-reads the environment. */
export function resetSettingsForTests(): void {
  cached = undefined;
}
