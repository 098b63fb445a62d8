#!/usr/bin/env node
// Start or stop the project-local Postgres and Redis: node scripts/services.mjs start|stop [dev|test|bench]
import { log } from './lib/proc.mjs';
import { startServices, stopServices } from './lib/services.mjs';

const [command = 'start', profile = 'dev'] = process.argv.slice(2);
try {
  if (command === 'start') {
    const s = await startServices(profile);
    log(`DATABASE_URL=${s.DATABASE_URL}`);
    log(`REDIS_URL=${s.REDIS_URL}`);
  } else if (command === 'stop') {
    await stopServices(profile);
  } else {
    throw new Error(`unknown command ${command} (start | stop)`);
  }
} catch (err) {
  process.stderr.write(`[tollgate] ${err.message}\n`);
  process.exit(1);
}
