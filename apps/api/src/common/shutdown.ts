import type { Logger } from 'pino';

/**
 * SHUTDOWN_TIMEOUT_MS: from the first SIGTERM or SIGINT, the process has this long to finish what it
 * is doing (Nest's shutdown hooks: open HTTP requests and streams, the metering batch, running jobs).
 * Past it, it says so and exits with code 1 rather than hang on a connection or a job that never ends.
 * Nothing cut off is lost: a gateway request still in flight is closed as an estimate by the in-flight
 * reconciler (README, "Metering and money"), and BullMQ hands an unfinished job to another worker once
 * its lock runs out.
 *
 * The listeners are `once`: Nest's own shutdown listener re-raises the signal when it is done, and that
 * second signal must find no listener of ours, so that it ends the process.
 */
export function exitAfterGrace(graceMs: number, logger: Logger): void {
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      logger.error({ signal, graceMs }, 'shutdown grace period (SHUTDOWN_TIMEOUT_MS) over; exiting with work unfinished');
      process.exit(1);
    }, graceMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
