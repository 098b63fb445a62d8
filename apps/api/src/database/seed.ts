import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { generateApiKey, parseApiKey } from '../api-keys/api-key-format';
import { randomUUID } from 'node:crypto';
import { hashPassword, hexEqual, hmacSha256Hex, randomToken, verifyPassword } from '../common/crypto';
import { encryptSecret, last4, parseKeyring } from '../common/envelope';
import { loadConfigOrExit } from '../config/app-config';
import { slugify } from '../teams/team-slug';
import { createDataSource } from './data-source';

/** What `npm start` prints and writes to .tollgate/demo.json. */
export interface DemoFacts {
  consoleUrl: string;
  apiBaseUrl: string;
  operator: { email: string; password: string };
  teamAdmin: { email: string; password: string };
  member: { email: string; password: string };
  teamId: string;
  memberApiKey: string;
}

async function ensureUser(db: DataSource, email: string, name: string, password: string, isOperator: boolean): Promise<string> {
  const rows: Array<{ id: string; password_hash: string }> = await db.query(`SELECT id, password_hash FROM users WHERE email = $1`, [email]);
  if (rows[0]) {
    if (!(await verifyPassword(password, rows[0].password_hash))) {
      await db.query(`UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL WHERE id = $1`, [rows[0].id, await hashPassword(password)]);
    }
    if (isOperator) await db.query(`UPDATE users SET is_operator = true WHERE id = $1`, [rows[0].id]);
    return rows[0].id;
  }
  const inserted: Array<{ id: string }> = await db.query(
    `INSERT INTO users (email, name, password_hash, is_operator) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, name, await hashPassword(password), isOperator],
  );
  return inserted[0].id;
}

async function ensureMembership(db: DataSource, teamId: string, userId: string, role: string): Promise<string> {
  await db.query(`INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (team_id, user_id) DO NOTHING`, [teamId, userId, role]);
  const rows: Array<{ id: string }> = await db.query(`SELECT id FROM memberships WHERE team_id = $1 AND user_id = $2`, [teamId, userId]);
  return rows[0].id;
}

/** Demo provider keys: any key works against the bundled fake upstream (`npm start` points every provider at it). */
async function ensureDemoProviderKeys(db: DataSource, teamId: string, keyring: ReturnType<typeof parseKeyring>, pepper: string): Promise<void> {
  for (const provider of ['openai', 'anthropic', 'gemini', 'mistral']) {
    const existing = await db.query(`SELECT 1 FROM provider_keys WHERE team_id = $1 AND provider = $2`, [teamId, provider]);
    if (existing[0]) continue;
    const id = randomUUID();
    const key = `demo-${provider}-${randomToken(12)}`;
    const sealed = encryptSecret(keyring, { teamId, recordId: id, provider }, key);
    await db.query(
      `INSERT INTO provider_keys (id, team_id, provider, label, secret_ciphertext, wrapped_key, kek_id, last4, fingerprint, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unverified')`,
      [id, teamId, provider, `Demo ${provider} (offline fake upstream)`, sealed.ciphertext, sealed.wrappedKey, sealed.kekId, last4(key), `fp_${hmacSha256Hex(pepper, `provider-key:${key}`).slice(0, 16)}`],
    );
  }
  await db.query(
    `INSERT INTO routes (team_id, name, targets) VALUES ($1, 'fast', $2::jsonb) ON CONFLICT (team_id, name) DO NOTHING`,
    [teamId, JSON.stringify([{ model: 'openai/gpt-4o-mini', weight: 3 }, { model: 'anthropic/claude-haiku-4-5', weight: 1 }])],
  );
}

/** Idempotent demo data: re-running keeps the same logins and key while they still work. */
export async function seedDemo(db: DataSource, previous: Partial<DemoFacts> | null, pepper: string, baseUrl: string, keyring?: ReturnType<typeof parseKeyring>): Promise<DemoFacts> {
  const pw = (p?: { password: string }) => p?.password ?? randomToken(12);
  const operator = { email: 'operator@tollgate.local', password: pw(previous?.operator) };
  const teamAdmin = { email: 'admin@demo.tollgate.local', password: pw(previous?.teamAdmin) };
  const member = { email: 'member@demo.tollgate.local', password: pw(previous?.member) };
  await ensureUser(db, operator.email, 'Operator', operator.password, true);
  const adminId = await ensureUser(db, teamAdmin.email, 'Ada Admin', teamAdmin.password, false);
  const memberId = await ensureUser(db, member.email, 'Max Member', member.password, false);

  const teams: Array<{ id: string }> = await db.query(`SELECT t.id FROM teams t JOIN memberships m ON m.team_id = t.id WHERE m.user_id = $1 AND m.role = 'owner' ORDER BY t.created_at LIMIT 1`, [adminId]);
  let teamId = teams[0]?.id;
  if (!teamId) {
    const t: Array<{ id: string }> = await db.query(`INSERT INTO teams (name, slug) VALUES ($1, $2) RETURNING id`, ['Demo Team', slugify('Demo Team')]);
    teamId = t[0].id;
  }
  await ensureMembership(db, teamId, adminId, 'owner');
  const membershipId = await ensureMembership(db, teamId, memberId, 'member');
  if (keyring) await ensureDemoProviderKeys(db, teamId, keyring, pepper);

  let memberApiKey = previous?.memberApiKey;
  const parsed = memberApiKey ? parseApiKey(memberApiKey) : null;
  const stillValid =
    parsed &&
    ((await db.query(`SELECT secret_hash FROM api_keys WHERE prefix = $1 AND team_id = $2 AND revoked_at IS NULL`, [parsed.prefix, teamId])) as Array<{ secret_hash: string }>).some((r) =>
      hexEqual(r.secret_hash, hmacSha256Hex(pepper, parsed.secret)),
    );
  if (!stillValid) {
    const k = generateApiKey();
    await db.query(
      `INSERT INTO api_keys (team_id, membership_id, user_id, name, prefix, secret_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
      [teamId, membershipId, memberId, 'Demo key', k.prefix, hmacSha256Hex(pepper, k.secret)],
    );
    memberApiKey = k.key;
  }
  return { consoleUrl: `${baseUrl}/`, apiBaseUrl: `${baseUrl}/v1`, operator, teamAdmin, member, teamId, memberApiKey: memberApiKey as string };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const file = process.env.DEMO_FILE ?? '.tollgate/demo.json';
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoFacts>) : null;
  const db = createDataSource();
  await db.initialize();
  try {
    const base = config.get('PUBLIC_BASE_URL') ?? `http://127.0.0.1:${config.get('PORT')}`;
    const keyring = parseKeyring(config.get('VAULT_KEYRING'), config.get('VAULT_PRIMARY_KEY_ID'));
    const facts = await seedDemo(db, previous, config.get('API_KEY_PEPPER'), base.replace(/\/$/, ''), keyring);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(facts, null, 2) + '\n', { mode: 0o600 });
    process.stdout.write(`seed: demo team ${facts.teamId} ready (${file})\n`);
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`seed failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
