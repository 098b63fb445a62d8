import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { EnvelopeBinding, Keyring, OpenedSecrets, SealedSecret, VaultError, decryptSecret, encryptSecret, parseKeyring, rewrapKey } from '../common/envelope';
import { SecretString } from '../common/secret-string';
import { AppConfig } from '../config/app-config';
import { HealthService } from '../health/health.service';

/**
 * Encrypts and decrypts provider keys with the configured keyring. The gateway decrypts a key of its
 * ring once and reuses the plaintext while the ring holds that row (openHeld); everything else decrypts
 * just in time.
 */
@Injectable()
export class VaultService {
  private readonly logger = new Logger('Vault');
  readonly keyring: Keyring;
  private readonly held = new OpenedSecrets();

  constructor(
    config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Optional() health?: HealthService,
  ) {
    this.keyring = parseKeyring(config.get('VAULT_KEYRING'), config.get('VAULT_PRIMARY_KEY_ID'));
    health?.register('vault', () => this.checkKeyIds());
  }

  seal(binding: EnvelopeBinding, plaintext: string): SealedSecret {
    return encryptSecret(this.keyring, binding, plaintext);
  }

  /** Fails closed: a generic error for the caller, an alert line (without any key material) for the operator. */
  open(binding: EnvelopeBinding, sealed: SealedSecret): SecretString {
    return this.failClosed(binding, sealed, () => decryptSecret(this.keyring, binding, sealed));
  }

  /** open() for a sealed object the caller keeps (the gateway's key ring): decrypted once per object. */
  openHeld(binding: EnvelopeBinding, sealed: SealedSecret): SecretString {
    return this.failClosed(binding, sealed, () => this.held.open(this.keyring, binding, sealed));
  }

  private failClosed(binding: EnvelopeBinding, sealed: SealedSecret, decrypt: () => SecretString): SecretString {
    try {
      return decrypt();
    } catch (err) {
      const reason = err instanceof VaultError ? err.reason : 'decrypt_failed';
      this.logger.error({ alert: 'vault_decrypt_failed', reason, teamId: binding.teamId, providerKeyId: binding.recordId, kekId: sealed.kekId }, 'ALERT: provider key failed to decrypt');
      throw new ApiError(500, 'internal_error', 'The provider key for this request could not be used', 'api_error');
    }
  }

  rewrap(binding: EnvelopeBinding, sealed: SealedSecret): SealedSecret {
    return rewrapKey(this.keyring, binding, sealed);
  }

  /** Readiness fails loudly when a stored key references a key-encryption key missing from the keyring. */
  async checkKeyIds(): Promise<void> {
    const rows: Array<{ kek_id: string; n: number }> = await this.db.query(`SELECT kek_id, count(*)::int AS n FROM provider_keys GROUP BY kek_id`);
    const missing = rows.filter((r) => !this.keyring.keys.has(r.kek_id));
    if (missing.length) {
      const detail = missing.map((r) => `${r.kek_id} (${r.n} keys)`).join(', ');
      this.logger.error({ alert: 'vault_kek_missing', missing: detail }, 'ALERT: provider keys reference key-encryption keys missing from VAULT_KEYRING');
      throw new Error(`VAULT_KEYRING lacks key ids used by stored provider keys: ${detail}`);
    }
  }
}
