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

/**
 * `npm start -- …` without the build step (npm test has built dist/), and without any Azure setting. `extra` may
 * override `--speed` (the last one wins) and `--state-dir`.
 */
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
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`npm start exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
      }
      return /Host started/.test(output) ? true : undefined;
    },
    'npm start to print "Host started"',
    120_000,
  );
  return started;
}

/** Ctrl-C: the host and the emulator stop cleanly and save their state. */
async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
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

/** True once nothing listens on the port any more. */
const portFree = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const server = createServer()
      .once('error', () => done(false))
      .listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

it('keeps every emulated job when npm start is killed (SIGKILL) mid-run, and the host says why it stops', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api`;
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-kill-'));
  // Slow enough (10x) that the jobs are still running when the process is killed.
  running = await npmStart(port, '--state-dir', dir, '--speed', '10');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const started = await api(base, 'POST', '/experiments', example);
    expect(started.status).toBe(202);
    ids.push((started.body as { id: string }).id);
  }
  // Kill the moment the app reports every job submitted: before, the emulator saved every 2 s and lost them.
  const submitted = await waitFor(
    async () => {
      const jobs: string[] = [];
      for (const id of ids) {
        const view = (await api(base, 'GET', `/experiments/${id}`)).body as {
          pipelines?: { jobName: string; status: string; jobStatus?: string }[];
        };
        // A job the app has read back from AzureML (its status is known), or one that ended: the emulator said it
        // exists. (A pipeline marked Running may still be submitting: killed then, it is resubmitted after restart.)
        const known = (p: { status: string; jobStatus?: string }): boolean =>
          p.jobStatus !== undefined || ['Completed', 'Failed', 'Canceled'].includes(p.status);
        const pipelines = view.pipelines ?? [];
        if (pipelines.length === 0 || !pipelines.every(known)) return undefined;
        jobs.push(...pipelines.map((p) => p.jobName));
      }
      return jobs;
    },
    'every job to be submitted',
    120_000,
  );
  const killed = running;
  const exited = new Promise((done) => killed.child.once('exit', done));
  killed.child.kill('SIGKILL');
  await exited;
  running = undefined;

  const saved = JSON.parse(readFileSync(join(dir, 'emulator/state.json'), 'utf8')) as { jobs: { name: string }[] };
  const kept = submitted.filter((name) => saved.jobs.some((j) => j.name === name));
  console.log(`jobs kept after SIGKILL of npm start: ${kept.length} of ${submitted.length}`);
  expect(kept).toEqual(submitted);
  // The host saw its parent go, said so and stopped, freeing the port for the next start.
  await waitFor(async () => ((await portFree(port)) ? true : undefined), 'the orphaned host to stop', 60_000);
  await waitFor(
    async () => (/The process that started this host \(pid \d+\) is gone/.test(killed.output()) ? true : undefined),
    'the host to say that npm start is gone',
    30_000,
  );

  running = await npmStart(port, '--state-dir', dir);
  expect(running.output()).toContain(`Resumed the previous run: ${submitted.length} emulated job(s)`);
  for (const id of ids) {
    const done = await waitFor(
      async () => {
        const v = (await api(base, 'GET', `/experiments/${id}`)).body as { status: string };
        return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
      },
      `experiment ${id} to finish after the restart`,
      180_000,
    );
    expect(done).toMatchObject({ status: 'Completed', counts: { total: 2, Completed: 2 } });
  }
});
