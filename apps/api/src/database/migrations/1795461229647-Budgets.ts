import { MigrationInterface, QueryRunner } from 'typeorm';

export class Budgets1795461229647 implements MigrationInterface {
  name = 'Budgets1795461229647';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "budgets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid NOT NULL, "scope" text NOT NULL, "membership_id" uuid, "api_key_id" uuid, "period" text NOT NULL, "amount_nano_usd" bigint NOT NULL, "mode" text NOT NULL DEFAULT 'hard', "alert_thresholds" integer array NOT NULL DEFAULT '{50,80,100}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_budgets_mode" CHECK ("mode" IN ('hard', 'soft')), CONSTRAINT "ck_budgets_period" CHECK ("period" IN ('day', 'month', 'total')), CONSTRAINT "ck_budgets_scope" CHECK ("scope" IN ('team', 'member', 'api_key')), CONSTRAINT "PK_9c8a51748f82387644b773da482" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_budgets_team" ON "budgets"("team_id")`);
    await q.query(`CREATE TABLE "rate_limits" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid NOT NULL, "scope" text NOT NULL, "membership_id" uuid, "api_key_id" uuid, "rpm" integer, "tpm" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_rate_limits_scope" CHECK ("scope" IN ('team', 'member', 'api_key')), CONSTRAINT "PK_3b4449f1f5fc167d921ee619f65" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_rate_limits_team" ON "rate_limits"("team_id")`);
    await q.query(`CREATE TABLE "budget_alerts" ("budget_id" uuid NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "threshold" integer NOT NULL, "spent_nano_usd" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fa8610d8bc1cc3310df399c65e2" PRIMARY KEY ("budget_id", "period_start", "threshold"))`);
    await q.query(`ALTER TABLE "budgets" ADD CONSTRAINT "FK_2719e006318a44b2926ec27c7b0" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "rate_limits" ADD CONSTRAINT "FK_05604181845a67e818ad4c4ad5d" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rate_limits" DROP CONSTRAINT "FK_05604181845a67e818ad4c4ad5d"`);
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "FK_2719e006318a44b2926ec27c7b0"`);
    await q.query(`DROP TABLE "budget_alerts"`);
    await q.query(`DROP INDEX "public"."idx_rate_limits_team"`);
    await q.query(`DROP TABLE "rate_limits"`);
    await q.query(`DROP INDEX "public"."idx_budgets_team"`);
    await q.query(`DROP TABLE "budgets"`);
  }
}
