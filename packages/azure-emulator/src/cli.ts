/**
 * Starts the Azure emulator alone and prints the app settings that point at it as KEY=VALUE lines (stdout), e.g.
 * to run `func start` against it:
 *
 *   npx tsx packages/azure-emulator/src/cli.ts [--port N] [--speed N] > .local/emulator.env
 *
 * The process trusting the emulator needs NODE_EXTRA_CA_CERTS (printed too). Ctrl+C stops it.
 */
import { createClock } from '@rag-orchestrator/virtual-clock';
import { startAzureEmulator } from './index';

function parseArgs(argv: string[]): { port: number; speed: number } {
  const args = { port: 0, speed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === '--port') args.port = next();
    else if (a === '--speed') args.speed = next() || 1;
    else if (a === '--help' || a === '-h') {
      console.error('usage: npx tsx packages/azure-emulator/src/cli.ts [--port N] [--speed N]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return args;
}

async function main(): Promise<void> {
  const { port, speed } = parseArgs(process.argv.slice(2));
  const clock = createClock({ speed });
  const emulator = await startAzureEmulator({ port, clock, recordTraffic: false });
  const lines = {
    ...emulator.settings,
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
    ...(speed !== 1 ? clock.env() : {}),
  };
  for (const [key, value] of Object.entries(lines)) console.log(`${key}=${value}`);
  console.error(`Azure emulator listening at ${emulator.url} (Ctrl+C to stop).`);
  const stop = (): void => {
    void emulator.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
