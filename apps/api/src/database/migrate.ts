import 'reflect-metadata';
import { createDataSource } from './data-source';

// Explicit migration command: `npm run migration:run` / `migration:revert` / `node migrate.js show`.
async function main(): Promise<void> {
  const command = process.argv[2] ?? 'run';
  const ds = createDataSource();
  await ds.initialize();
  try {
    if (command === 'run') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      process.stdout.write(`migrations: ${applied.length} applied${applied.map((m) => `\n  + ${m.name}`).join('')}\n`);
    } else if (command === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      process.stdout.write('migrations: last migration reverted\n');
    } else if (command === 'show') {
      const pending = await ds.showMigrations();
      process.stdout.write(pending ? 'migrations: some pending\n' : 'migrations: up to date\n');
      process.exitCode = pending ? 1 : 0;
    } else {
      process.stderr.write(`unknown command "${command}" (run | revert | show)\n`);
      process.exitCode = 2;
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrations failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
