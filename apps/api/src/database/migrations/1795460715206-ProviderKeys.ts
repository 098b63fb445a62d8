import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProviderKeys1795460715206 implements MigrationInterface {
  name = 'ProviderKeys1795460715206';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "provider_keys" ("id" uuid NOT NULL, "team_id" uuid NOT NULL, "provider" text NOT NULL, "label" text NOT NULL, "secret_ciphertext" bytea NOT NULL, "wrapped_key" bytea NOT NULL, "kek_id" text NOT NULL, "last4" text NOT NULL, "fingerprint" text NOT NULL, "base_url" text, "organization" text, "project" text, "weight" integer NOT NULL DEFAULT '1', "priority" integer NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'unverified', "last_error_code" text, "status_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "cooldown_until" TIMESTAMP WITH TIME ZONE, "consecutive_failures" integer NOT NULL DEFAULT '0', "last_used_at" TIMESTAMP WITH TIME ZONE, "created_by_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_provider_keys_status" CHECK ("status" IN ('unverified', 'active', 'invalid', 'cooling_down')), CONSTRAINT "PK_cd3f4b00dc891e0d9dc9b049d25" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_provider_keys_kek" ON "provider_keys"("kek_id")`);
    await q.query(`CREATE INDEX "idx_provider_keys_team" ON "provider_keys"("team_id", "provider")`);
    await q.query(`ALTER TABLE "provider_keys" ADD CONSTRAINT "FK_bb1aa92193db92fa704407a6e21" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "provider_keys" DROP CONSTRAINT "FK_bb1aa92193db92fa704407a6e21"`);
    await q.query(`DROP INDEX "public"."idx_provider_keys_team"`);
    await q.query(`DROP INDEX "public"."idx_provider_keys_kek"`);
    await q.query(`DROP TABLE "provider_keys"`);
  }
}
