/**
 * The virtual clock shared by the local host and the Azure emulator, across processes.
 *
 * virtual now = epoch + (real now - epoch) * speed
 *
 * Two processes given the same LOCAL_CLOCK_SPEED and LOCAL_CLOCK_EPOCH agree on the virtual time, so a durable
 * timer in the host and a simulated AML job in the emulator move together: at speed 3600 an hour passes per second.
 * Speed 1 (the default) is real time.
 */
export interface Clock {
  /** Virtual time, ms since the Unix epoch. */
  now(): number;
  /** Virtual-clock speed: virtual ms per real ms. */
  readonly speed: number;
  /** Real-time epoch (ms) the virtual clock is anchored to. */
  readonly epoch: number;
  /** Real milliseconds until the virtual time reaches `virtualTime` (0 when already past). */
  realDelayUntil(virtualTime: number): number;
  /** Resolves when the virtual time reaches `virtualTime`; rejects with an AbortError when `signal` aborts. */
  sleepUntil(virtualTime: number, signal?: AbortSignal): Promise<void>;
  /** Environment variables that give a child process the same clock. */
  env(): Record<string, string>;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

export function createClock(options: { speed?: number; epoch?: number } = {}): Clock {
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`clock speed must be a positive number; got ${speed}`);
  const epoch = options.epoch ?? Date.now();
  const now = (): number => (speed === 1 ? Date.now() : Math.floor(epoch + (Date.now() - epoch) * speed));
  const realDelayUntil = (virtualTime: number): number => Math.max(0, Math.ceil((virtualTime - now()) / speed));
  return {
    speed,
    epoch,
    now,
    realDelayUntil,
    sleepUntil(virtualTime, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
        let timer: NodeJS.Timeout;
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason ?? new Error('aborted'));
        };
        const arm = (): void => {
          const delay = realDelayUntil(virtualTime);
          if (delay <= 0) {
            signal?.removeEventListener('abort', onAbort);
            resolve();
            return;
          }
          timer = setTimeout(arm, Math.min(delay, MAX_TIMEOUT));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        arm();
      });
    },
    env: () => ({ LOCAL_CLOCK_SPEED: String(speed), LOCAL_CLOCK_EPOCH: String(epoch) }),
  };
}

/** The clock described by LOCAL_CLOCK_SPEED / LOCAL_CLOCK_EPOCH (real time when unset). */
export function clockFromEnv(env: Record<string, string | undefined> = process.env): Clock {
  const speed = env.LOCAL_CLOCK_SPEED ? Number(env.LOCAL_CLOCK_SPEED) : 1;
  const epoch = env.LOCAL_CLOCK_EPOCH ? Number(env.LOCAL_CLOCK_EPOCH) : undefined;
  return createClock({ speed, epoch });
}
