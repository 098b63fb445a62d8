import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { getAdapter, isProviderId } from '@tollgate/providers';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { hmacSha256Hex } from '../common/crypto';
import { last4 } from '../common/envelope';
import { ListQuery, filterIds } from '../common/list-query';
import { AppConfig } from '../config/app-config';
import { escapeLike } from '../teams/teams.service';
import { ProviderKey, ProviderKeyStatus } from './provider-key.entity';
import { ProviderKeyRing } from './provider-key-ring';
import { UpstreamConfig } from './upstream-config';
import { VaultService } from './vault.service';

/** What the API ever says about a provider key: never ciphertext, never plaintext. */
export interface ProviderKeyDto {
  id: string;
  provider: string;
  label: string;
  last4: string;
  fingerprint: string;
  status: ProviderKeyStatus;
  lastErrorCode: string | null;
  statusSince: string;
  cooldownUntil: string | null;
  baseUrl: string | null;
  organization: string | null;
  project: string | null;
  weight: number;
  priority: number;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreateProviderKeyInput {
  provider: string;
  label: string;
  key: string;
  organization?: string;
  project?: string;
  baseUrl?: string;
  weight?: number;
  priority?: number;
}

const SORT_COLUMNS: Record<string, string> = {
  provider: 'provider',
  label: 'label',
  status: 'status',
  priority: 'priority',
  weight: 'weight',
  createdAt: 'created_at',
  lastUsedAt: 'last_used_at',
  id: 'id',
};

function toDto(k: ProviderKey): ProviderKeyDto {
  return {
    id: k.id,
    provider: k.provider,
    label: k.label,
    last4: k.last4,
    fingerprint: k.fingerprint,
    status: k.status,
    lastErrorCode: k.lastErrorCode,
    statusSince: k.statusSince.toISOString(),
    cooldownUntil: k.cooldownUntil?.toISOString() ?? null,
    baseUrl: k.baseUrl,
    organization: k.organization,
    project: k.project,
    weight: k.weight,
    priority: k.priority,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ProviderKeysService {
  private readonly logger = new Logger('ProviderKeys');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: VaultService,
    private readonly upstreams: UpstreamConfig,
    private readonly ring: ProviderKeyRing,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private repo() {
    return this.db.getRepository(ProviderKey);
  }

  async list(teamId: string, q: ListQuery<'provider' | 'status' | 'label'>): Promise<{ items: ProviderKeyDto[]; total: number }> {
    const qb = this.repo().createQueryBuilder('k').where('k.team_id = :teamId', { teamId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('k.id IN (:...ids)', { ids });
    if (typeof q.filter.provider === 'string') qb.andWhere('k.provider = :provider', { provider: q.filter.provider });
    if (typeof q.filter.status === 'string') qb.andWhere('k.status = :status', { status: q.filter.status });
    const search = q.filter.q ?? q.filter.label;
    if (typeof search === 'string' && search) qb.andWhere('(k.label ILIKE :s OR k.provider ILIKE :s)', { s: `%${escapeLike(search)}%` });
    const [rows, total] = await qb
      .orderBy(`k.${SORT_COLUMNS[q.sortField] ?? 'created_at'}`, q.sortOrder, 'NULLS LAST')
      .skip(q.skip)
      .take(q.take)
      .getManyAndCount();
    return { items: rows.map(toDto), total };
  }

  async get(teamId: string, id: string): Promise<ProviderKeyDto> {
    return toDto(await this.find(teamId, id));
  }

  private async find(teamId: string, id: string): Promise<ProviderKey> {
    const row = await this.repo().findOne({ where: { id, teamId } });
    if (!row) throw ApiError.notFound('Provider key');
    return row;
  }

  async create(auth: UserAuthContext, teamId: string, input: CreateProviderKeyInput): Promise<ProviderKeyDto> {
    if (!isProviderId(input.provider)) throw ApiError.badRequest(`Unknown provider "${input.provider}"`);
    const key = input.key.trim();
    const baseUrl = this.upstreams.validateKeyBaseUrl(input.provider, input.baseUrl);
    const id = randomUUID();
    const sealed = this.vault.seal({ teamId, recordId: id, provider: input.provider }, key);
    await this.repo().insert({
      id,
      teamId,
      provider: input.provider,
      label: input.label.trim(),
      secretCiphertext: sealed.ciphertext,
      wrappedKey: sealed.wrappedKey,
      kekId: sealed.kekId,
      last4: last4(key),
      fingerprint: `fp_${hmacSha256Hex(this.config.get('API_KEY_PEPPER'), `provider-key:${key}`).slice(0, 16)}`,
      baseUrl,
      organization: input.organization?.trim() || null,
      project: input.project?.trim() || null,
      weight: input.weight ?? 1,
      priority: input.priority ?? 0,
      status: 'unverified',
      createdByUserId: auth.userId,
    });
    await this.ring.invalidate(teamId);
    await this.audit.record({ action: 'provider_key.added', teamId, actorUserId: auth.userId, targetType: 'provider_key', targetId: id, metadata: { provider: input.provider, label: input.label } });
    return this.get(teamId, id);
  }

  async update(auth: UserAuthContext, teamId: string, id: string, input: { label?: string; weight?: number; priority?: number }): Promise<ProviderKeyDto> {
    await this.find(teamId, id);
    const set: Partial<ProviderKey> = {};
    if (input.label !== undefined) set.label = input.label.trim();
    if (input.weight !== undefined) set.weight = input.weight;
    if (input.priority !== undefined) set.priority = input.priority;
    if (Object.keys(set).length) {
      await this.repo().update({ id, teamId }, set);
      await this.ring.invalidate(teamId);
      await this.audit.record({ action: 'provider_key.updated', teamId, actorUserId: auth.userId, targetType: 'provider_key', targetId: id, metadata: { fields: Object.keys(set) } });
    }
    return this.get(teamId, id);
  }

  async remove(auth: UserAuthContext, teamId: string, id: string): Promise<ProviderKeyDto> {
    const row = await this.find(teamId, id);
    await this.repo().delete({ id, teamId });
    await this.ring.invalidate(teamId);
    await this.audit.record({ action: 'provider_key.removed', teamId, actorUserId: auth.userId, targetType: 'provider_key', targetId: id, metadata: { provider: row.provider, label: row.label } });
    return toDto(row);
  }

  /** Calls the provider's cheapest authenticated endpoint; records the outcome, never the upstream body. */
  async test(auth: UserAuthContext | null, teamId: string, id: string): Promise<{ status: 'valid' | 'invalid' | 'unreachable'; httpStatus?: number; key: ProviderKeyDto }> {
    const row = await this.find(teamId, id);
    const secret = this.vault.open({ teamId, recordId: row.id, provider: row.provider }, { ciphertext: row.secretCiphertext, wrappedKey: row.wrappedKey, kekId: row.kekId });
    const { baseUrl, allowPrivateNetwork } = this.upstreams.resolve(row.provider, row.baseUrl);
    let result: { status: 'valid' | 'invalid' | 'unreachable'; httpStatus?: number };
    try {
      result = await getAdapter(row.provider as never).testKey({
        apiKey: secret,
        baseUrl,
        allowPrivateNetwork,
        organization: row.organization ?? undefined,
        project: row.project ?? undefined,
        timeouts: { connectMs: 5_000, totalMs: 15_000 },
      });
    } catch (err) {
      this.logger.warn({ providerKeyId: id, provider: row.provider, err: (err as Error).message }, 'provider key test failed to run');
      result = { status: 'unreachable' };
    }
    if (result.status === 'valid') await this.markHealthy(teamId, id, true);
    else if (result.status === 'invalid') await this.markInvalid(teamId, id, `credential_rejected_${result.httpStatus ?? 'unknown'}`);
    else await this.repo().update({ id, teamId }, { lastErrorCode: 'unreachable' });
    await this.ring.invalidate(teamId);
    if (auth) {
      await this.audit.record({ action: 'provider_key.tested', teamId, actorUserId: auth.userId, targetType: 'provider_key', targetId: id, metadata: { result: result.status, httpStatus: result.httpStatus ?? null } });
    }
    return { ...result, key: await this.get(teamId, id) };
  }

  /** An upstream 401/403: out of rotation until a test or the periodic probe finds it working again. */
  async markInvalid(teamId: string, id: string, code: string): Promise<void> {
    const r = await this.db.query(
      `UPDATE provider_keys SET status = 'invalid', last_error_code = $3, status_since = CASE WHEN status = 'invalid' THEN status_since ELSE now() END,
         consecutive_failures = consecutive_failures + 1, updated_at = now() WHERE id = $1 AND team_id = $2`,
      [id, teamId, code],
    );
    if (r[1] > 0) await this.ring.invalidate(teamId);
  }

  /** An upstream 429: cool down for max(retry-after, exponential backoff), capped at 5 minutes. */
  async coolDown(teamId: string, id: string, retryAfterMs: number | undefined): Promise<void> {
    await this.db.query(
      `UPDATE provider_keys SET status = CASE WHEN status = 'invalid' THEN status ELSE 'cooling_down' END, last_error_code = 'rate_limited',
         status_since = CASE WHEN status = 'cooling_down' THEN status_since ELSE now() END,
         consecutive_failures = consecutive_failures + 1,
         cooldown_until = now() + make_interval(secs => LEAST(300, GREATEST($3::float8 / 1000, power(2, LEAST(consecutive_failures, 8))))),
         updated_at = now()
       WHERE id = $1 AND team_id = $2`,
      [id, teamId, retryAfterMs ?? 0],
    );
    await this.ring.invalidate(teamId);
  }

  async markHealthy(teamId: string, id: string, force = false): Promise<void> {
    const r = await this.db.query(
      `UPDATE provider_keys SET status = 'active', last_error_code = NULL, cooldown_until = NULL, consecutive_failures = 0,
         status_since = CASE WHEN status = 'active' THEN status_since ELSE now() END, updated_at = now()
       WHERE id = $1 AND team_id = $2 AND ($3 OR status <> 'active')`,
      [id, teamId, force],
    );
    if (r[1] > 0) await this.ring.invalidate(teamId);
  }

  /** The periodic probe: re-test keys that are invalid, or cooling down past their cool-down. */
  async probeUnhealthy(limit = 100): Promise<{ tested: number; recovered: number }> {
    const rows: Array<{ id: string; team_id: string }> = await this.db.query(
      `SELECT id, team_id FROM provider_keys WHERE status = 'invalid' OR (status = 'cooling_down' AND cooldown_until <= now()) ORDER BY updated_at LIMIT $1`,
      [limit],
    );
    let recovered = 0;
    for (const r of rows) {
      const res = await this.test(null, r.team_id, r.id).catch(() => null);
      if (res?.status === 'valid') recovered++;
    }
    return { tested: rows.length, recovered };
  }
}
