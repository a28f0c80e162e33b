/**
 * Version N+1 of the app behind a bridge, in its own process (see upgrade.ts): prints `[upgraded-bridge] <url>`,
 * serves until its stdin closes. Arguments: `versioned` | `unversioned` [--verbose].
 */
import path from 'node:path';
import { startBridge } from './bridge';
import { applyUpgrade, type UpgradeVariant } from './upgrade';

async function main(): Promise<void> {
  const variant = process.argv[2] as UpgradeVariant;
  if (variant !== 'versioned' && variant !== 'unversioned') throw new Error(`unknown upgrade variant '${variant}'`);
  const root = path.resolve(__dirname, '..', '..');
  const bridge = await startBridge(root, process.argv.includes('--verbose'));
  applyUpgrade(root, variant);
  console.log(`[upgraded-bridge] ${bridge.url}`);
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('end', () => resolve()));
  await bridge.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
