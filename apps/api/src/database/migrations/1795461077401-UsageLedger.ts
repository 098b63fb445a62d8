import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageLedger1795461077401 implements MigrationInterface {
  name = 'UsageLedger1795461077401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "model_prices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid, "provider" text NOT NULL, "model" text NOT NULL, "input_micro_usd_per_mtok" bigint NOT NULL, "cached_input_micro_usd_per_mtok" bigint, "cache_write_micro_usd_per_mtok" bigint, "output_micro_usd_per_mtok" bigint NOT NULL, "reasoning_micro_usd_per_mtok" bigint, "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1409a57d11faf4496339c681f6e" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_model_prices_lookup" ON "model_prices"("provider", "model", "team_id", "effective_from")`);
    await q.query(`CREATE TABLE "fee_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid, "fee_micro_usd_per_mtok" bigint NOT NULL DEFAULT '0', "markup_basis_points" integer NOT NULL DEFAULT '0', "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2e3f4eab7f5092165f10bc0d01" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_fee_plans_team" ON "fee_plans"("team_id", "effective_from")`);
    await q.query(`CREATE TABLE "routes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid NOT NULL, "name" text NOT NULL, "targets" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_76100511cdfa1d013c859f01d8b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_routes_team_name" ON "routes"("team_id", "name")`);
    await q.query(`CREATE TABLE "usage_ledger" ("request_id" text NOT NULL, "team_id" uuid NOT NULL, "membership_id" uuid NOT NULL, "user_id" uuid NOT NULL, "api_key_id" uuid NOT NULL, "provider_key_id" uuid, "provider" text, "endpoint" text NOT NULL, "requested_model" text NOT NULL, "served_model" text, "stream" boolean NOT NULL DEFAULT false, "status" text NOT NULL, "error_code" text, "input_tokens" bigint NOT NULL DEFAULT '0', "cached_input_tokens" bigint NOT NULL DEFAULT '0', "cache_write_tokens" bigint NOT NULL DEFAULT '0', "output_tokens" bigint NOT NULL DEFAULT '0', "reasoning_tokens" bigint NOT NULL DEFAULT '0', "cost_nano_usd" bigint NOT NULL DEFAULT '0', "fee_nano_usd" bigint NOT NULL DEFAULT '0', "unpriced" boolean NOT NULL DEFAULT false, "estimated" boolean NOT NULL DEFAULT false, "latency_ms" integer NOT NULL DEFAULT '0', "ttft_ms" integer, "attempt_count" integer NOT NULL DEFAULT '0', "attempts" jsonb NOT NULL DEFAULT '[]', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b45836e09743e10b67fd5662779" PRIMARY KEY ("request_id"))`);
    await q.query(`CREATE INDEX "idx_usage_ledger_team_key_started" ON "usage_ledger"("team_id", "api_key_id", "started_at")`);
    await q.query(`CREATE INDEX "idx_usage_ledger_team_member_started" ON "usage_ledger"("team_id", "membership_id", "started_at")`);
    await q.query(`CREATE INDEX "idx_usage_ledger_team_started" ON "usage_ledger"("team_id", "started_at")`);
    await q.query(`CREATE TABLE "usage_rollup_daily" ("team_id" uuid NOT NULL, "day" date NOT NULL, "membership_id" uuid NOT NULL, "api_key_id" uuid NOT NULL, "provider" text NOT NULL, "model" text NOT NULL, "requests" bigint NOT NULL DEFAULT '0', "input_tokens" bigint NOT NULL DEFAULT '0', "cached_input_tokens" bigint NOT NULL DEFAULT '0', "cache_write_tokens" bigint NOT NULL DEFAULT '0', "output_tokens" bigint NOT NULL DEFAULT '0', "reasoning_tokens" bigint NOT NULL DEFAULT '0', "cost_nano_usd" bigint NOT NULL DEFAULT '0', "fee_nano_usd" bigint NOT NULL DEFAULT '0', "unpriced_requests" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_e8f5a5708ee81f0a7905885c279" PRIMARY KEY ("team_id", "day", "membership_id", "api_key_id", "provider", "model"))`);
    await q.query(`CREATE INDEX "idx_usage_rollup_team_day" ON "usage_rollup_daily"("team_id", "day")`);
    await q.query(`CREATE TABLE "usage_outbox" ("request_id" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cfdf6bdf6b1ddba40c856983248" PRIMARY KEY ("request_id"))`);
    await q.query(`ALTER TABLE "routes" ADD CONSTRAINT "FK_4fdf8e5f73cb552546ca9218f70" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`CREATE TRIGGER "usage_ledger_append_only" BEFORE UPDATE OR DELETE ON "usage_ledger" FOR EACH ROW EXECUTE FUNCTION tollgate_reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "routes" DROP CONSTRAINT "FK_4fdf8e5f73cb552546ca9218f70"`);
    await q.query(`DROP TABLE "usage_outbox"`);
    await q.query(`DROP INDEX "public"."idx_usage_rollup_team_day"`);
    await q.query(`DROP TABLE "usage_rollup_daily"`);
    await q.query(`DROP INDEX "public"."idx_usage_ledger_team_started"`);
    await q.query(`DROP INDEX "public"."idx_usage_ledger_team_member_started"`);
    await q.query(`DROP INDEX "public"."idx_usage_ledger_team_key_started"`);
    await q.query(`DROP TABLE "usage_ledger"`);
    await q.query(`DROP INDEX "public"."uq_routes_team_name"`);
    await q.query(`DROP TABLE "routes"`);
    await q.query(`DROP INDEX "public"."idx_fee_plans_team"`);
    await q.query(`DROP TABLE "fee_plans"`);
    await q.query(`DROP INDEX "public"."idx_model_prices_lookup"`);
    await q.query(`DROP TABLE "model_prices"`);
  }
}
