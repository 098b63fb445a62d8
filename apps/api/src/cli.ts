import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { StripeBillingModule } from './billing/billing.module';
import { BillingSetupService } from './billing/billing-setup.service';
import { Keyring, VaultError, parseKeyring, rewrapKey } from './common/envelope';
import { loadConfigOrExit } from './config/app-config';
import { coreImports } from './core.imports';
import { createDataSource } from './database/data-source';
import { UsersService } from './users/users.service';
import { User } from './users/user.entity';

/**
 * Operator commands:
 *   node dist/apps/api/src/cli.js vault:rotate        re-wrap every provider key's data key under VAULT_PRIMARY_KEY_ID
 *   node dist/apps/api/src/cli.js operator:ensure     create/promote the operator from OPERATOR_EMAIL/OPERATOR_PASSWORD
 *   node dist/apps/api/src/cli.js billing:bootstrap   create or adopt the Stripe meters, metered prices, and every team's
 *                                                     customer and usage-only subscription (idempotent, resumable)
 */
const out = (line: string) => process.stdout.write(`${line}\n`);

async function rotate(): Promise<void> {
  const config = loadConfigOrExit();
  const keyring: Keyring = parseKeyring(config.get('VAULT_KEYRING'), config.get('VAULT_PRIMARY_KEY_ID'));
  const db = createDataSource();
  await db.initialize();
  try {
    const [{ n: todo }] = await db.query(`SELECT count(*)::int AS n FROM provider_keys WHERE kek_id <> $1`, [keyring.primaryId]);
    out(`vault:rotate: ${todo} provider keys to re-wrap under "${keyring.primaryId}"`);
    let done = 0;
    const failed: string[] = [];
    const started = Date.now();
    // Batches commit one by one, so an interrupted run resumes where it stopped; re-running is a no-op.
    for (;;) {
      const moved = await db.transaction(async (em) => {
        const rows: Array<{ id: string; team_id: string; provider: string; secret_ciphertext: Buffer; wrapped_key: Buffer; kek_id: string }> = await em.query(
          `SELECT id, team_id, provider, secret_ciphertext, wrapped_key, kek_id FROM provider_keys
            WHERE kek_id <> $1 AND NOT (id = ANY($2::uuid[])) ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED`,
          [keyring.primaryId, failed],
        );
        let ok = 0;
        for (const r of rows) {
          try {
            const sealed = rewrapKey(keyring, { teamId: r.team_id, recordId: r.id, provider: r.provider }, { ciphertext: r.secret_ciphertext, wrappedKey: r.wrapped_key, kekId: r.kek_id });
            await em.query(`UPDATE provider_keys SET wrapped_key = $2, kek_id = $3 WHERE id = $1 AND kek_id = $4`, [r.id, sealed.wrappedKey, sealed.kekId, r.kek_id]);
            ok++;
          } catch (err) {
            if (!(err instanceof VaultError)) throw err;
            // A row that does not open (tampered, or its key id is gone) is reported, never guessed at.
            failed.push(r.id);
            out(`vault:rotate: provider key ${r.id} could not be re-wrapped (${err.reason}); left on "${r.kek_id}"`);
          }
        }
        return rows.length === 0 ? -1 : ok;
      });
      if (moved === -1) break;
      done += moved;
      out(`vault:rotate: ${done}/${todo} re-wrapped (${Math.round((done / Math.max(todo, 1)) * 100)}%, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const counts: Array<{ kek_id: string; n: number }> = await db.query(`SELECT kek_id, count(*)::int AS n FROM provider_keys GROUP BY kek_id ORDER BY kek_id`);
    out(`vault:rotate: done. provider keys per key id: ${counts.map((c) => `${c.kek_id}=${c.n}`).join(', ') || 'none'}`);
    if (failed.length) {
      out(`vault:rotate: ${failed.length} provider keys could not be re-wrapped; see above`);
      process.exitCode = 1;
    }
    // Tell running API processes to reload sealed keys (the old key id may then be retired).
    const redis = new Redis(config.get('REDIS_URL'), { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await redis.connect();
      await redis.publish(`${config.get('QUEUE_PREFIX')}:provider-keys-changed`, '*');
    } catch {
      out('vault:rotate: could not notify API processes through Redis; their caches refresh within a minute');
    } finally {
      redis.disconnect();
    }
  } finally {
    await db.destroy();
  }
}

async function ensureOperator(): Promise<void> {
  const config = loadConfigOrExit();
  const email = config.get('OPERATOR_EMAIL');
  const password = config.get('OPERATOR_PASSWORD');
  if (!email || !password) throw new Error('set OPERATOR_EMAIL and OPERATOR_PASSWORD');
  const db = createDataSource();
  await db.initialize();
  try {
    const user = await new UsersService(db.getRepository(User)).ensureOperator(email, password);
    out(`operator:ensure: ${user.email} is the platform operator`);
  } finally {
    await db.destroy();
  }
}

@Module({ imports: [...coreImports('worker'), StripeBillingModule] })
class BillingCliModule {}

async function billingBootstrap(): Promise<void> {
  loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(BillingCliModule, { logger: ['error', 'warn'], abortOnError: false });
  try {
    const s = await app.get(BillingSetupService).run();
    for (const change of s.changes) out(`billing:bootstrap: ${change}`);
    out(`billing:bootstrap: ${s.linkedTeams} teams linked (${s.createdCustomers} new customers, ${s.createdSubscriptions} new subscriptions), ${s.noFeeTeams.length} without a fee`);
    for (const c of s.conflicts) out(`billing:bootstrap: team ${c.teamId}: subscription item ${c.itemId} bills meter ${c.meterId} with price ${c.priceId}, not the fee plan's; left alone`);
    for (const f of s.failedTeams) out(`billing:bootstrap: team ${f.teamId} failed: ${f.error}`);
    if (s.changes.length === 0) out('billing:bootstrap: nothing to change');
    if (s.failedTeams.length > 0) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

const commands: Record<string, () => Promise<void>> = { 'vault:rotate': rotate, 'operator:ensure': ensureOperator, 'billing:bootstrap': billingBootstrap };
const name = process.argv[2] ?? '';
const command = commands[name];
if (!command) {
  process.stderr.write(`usage: node dist/apps/api/src/cli.js <${Object.keys(commands).join(' | ')}>\n`);
  process.exit(2);
}
command().catch((err: unknown) => {
  process.stderr.write(`${name} failed: ${(err as Error).message}\n`);
  process.exit(1);
});
