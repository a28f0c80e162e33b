/**
 * The README's main command, as a user runs it: `npm start` with no Azure settings starts the emulator and the app,
 * the example experiment runs to Completed, and after a stop (Ctrl-C) and a new start the experiment, its AML jobs
 * and its staged config are still there; `--fresh` forgets them. Runs `local/start.ts` on the app built in dist/,
 * with its state in a temporary folder (`--state-dir`) instead of the repository's .local.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../local/stack';
import { api, waitFor } from './stack';

jest.setTimeout(300_000);

const stateDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
const example = JSON.parse(readFileSync(join(ROOT, 'examples/experiment.json'), 'utf8')) as unknown;

interface Started {
  child: ChildProcess;
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/** `npm start -- …` without the build step (npm test has built dist/), and without any Azure setting. */
async function npmStart(port: number, ...extra: string[]): Promise<Started> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AML_|AZURE_|OPENAI_|EXPERIMENT_SCHEDULE)/.test(k)),
  );
  const args = ['--import', 'tsx', 'local/start.ts', '--emulator', '--port', String(port), '--speed', '3600'];
  const child = spawn(process.execPath, [...args, '--state-dir', stateDir, ...extra], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const started = { child, output: () => output };
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      return /Host started/.test(output) ? true : undefined;
    },
    'npm start to print "Host started"',
    120_000,
  );
  return started;
}

/** Ctrl-C: the host and the emulator stop cleanly and save their state. */
async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise((done) => started.child.once('exit', done));
  started.child.kill('SIGINT');
  await exited;
}

let running: Started | undefined;
afterEach(async () => {
  if (running) await stop(running);
  running = undefined;
});

it('keeps experiments and their emulated jobs across a restart, and forgets them with --fresh', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api`;
  running = await npmStart(port);
  expect(running.output()).toContain('LOCAL AZURE EMULATOR');

  const started = await api(base, 'POST', '/experiments', example);
  expect(started.status).toBe(202);
  const id = (started.body as { id: string }).id;
  const done = await waitFor(
    async () => {
      const v = (await api(base, 'GET', `/experiments/${id}`)).body as { status: string };
      return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
    },
    'the example experiment to finish',
    180_000,
  );
  expect(done).toMatchObject({ status: 'Completed', counts: { total: 2, Completed: 2 } });
  await stop(running);

  const stateFile = join(stateDir, 'emulator/state.json');
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { jobs: { name: string }[] };
  expect(saved.jobs).toHaveLength(2);
  expect(existsSync(join(stateDir, 'emulator/state-blobs'))).toBe(true);

  running = await npmStart(port);
  expect(running.output()).toContain('Resumed the previous run: 2 emulated job(s)');
  const again = await api(base, 'GET', `/experiments/${id}`);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ status: 'Completed', counts: { total: 2, Completed: 2 } });
  const listed = (await api(base, 'GET', '/experiments')).body as { experiments: { id: string }[] };
  expect(listed.experiments.map((e) => e.id)).toContain(id);
  await stop(running);

  running = await npmStart(port, '--fresh');
  expect(running.output()).not.toContain('Resumed the previous run');
  expect((await api(base, 'GET', `/experiments/${id}`)).status).toBe(404);
});
