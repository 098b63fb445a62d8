import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** A child that dies again within this long of the last death waits twice as long to be replaced. */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface SupervisorOptions {
  processes: number;
  /** SHUTDOWN_TIMEOUT_MS: each child's own grace period; the supervisor waits a little longer. */
  graceMs: number;
  logger: Logger;
}

/**
 * API_PROCESSES > 1: this process serves nothing and loads none of the app. It starts that many API
 * processes (node:cluster) that share the listening port; on Linux the supervisor accepts each new
 * connection and hands it to the next child in turn, so a keep-alive connection stays with one child.
 * Every child is a whole API (gateway, admission with its own allowance, in-flight registry, metering
 * batch), as several API instances behind a load balancer are.
 *
 * - A child that dies after it started listening is replaced (after 1 s, doubling up to 30 s while
 *   children keep dying within a minute of each other); its requests in flight are closed by the
 *   in-flight reconciler.
 * - A child that fails before it listens (database unreachable, port taken) stops them all and the
 *   supervisor exits with code 1, as a single API process would.
 * - SIGTERM or SIGINT: every child gets SIGTERM and runs its own graceful shutdown; the supervisor
 *   exits 0 once they are gone, or kills what is left after graceMs + 2 s and exits 1.
 */
export function superviseApiProcesses(opts: SupervisorOptions): void {
  const { logger } = opts;
  const listening = new Set<number>();
  let stopping = false;
  let failed = false;
  let lastDeathAt = 0;
  let restartDelayMs = 1_000;

  // Ours, not cluster.workers: a child that exited may still be listed there until its IPC channel closes.
  const live = new Map<number, Worker>();
  const children = (): Worker[] => [...live.values()];
  const start = () => {
    const child = cluster.fork();
    live.set(child.id, child);
    child.once('listening', () => listening.add(child.id));
  };
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, processes: children().length }, 'stopping the api processes');
    // A child that already got the signal from the terminal (Ctrl-C reaches the whole process group)
    // ignores this one: Nest runs one shutdown at a time and ends the process when it is done.
    for (const child of children()) child.process.kill('SIGTERM');
    if (children().length === 0) process.exit(failed ? 1 : 0);
    setTimeout(() => {
      const left = children();
      logger.error({ processes: left.length, graceMs: opts.graceMs }, 'api processes still running after the grace period; killing them');
      for (const child of left) child.process.kill('SIGKILL');
      process.exit(1);
    }, opts.graceMs + 2_000).unref();
  };

  cluster.on('exit', (child, code, signal) => {
    live.delete(child.id);
    const served = listening.delete(child.id);
    if (stopping) {
      if (children().length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!served) {
      failed = true;
      logger.error({ childPid: child.process.pid, code, signal }, 'an api process failed to start; stopping');
      stop('a child failed to start');
      return;
    }
    const now = Date.now();
    restartDelayMs = now - lastDeathAt < CRASH_WINDOW_MS ? Math.min(MAX_RESTART_DELAY_MS, restartDelayMs * 2) : 1_000;
    lastDeathAt = now;
    logger.error({ childPid: child.process.pid, code, signal, restartInMs: restartDelayMs }, 'an api process died; starting another');
    setTimeout(() => {
      if (!stopping) start();
    }, restartDelayMs);
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < opts.processes; i++) start();
  logger.info({ processes: opts.processes }, 'api supervisor started');
}
