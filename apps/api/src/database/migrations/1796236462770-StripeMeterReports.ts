import { MigrationInterface, QueryRunner } from 'typeorm';

export class StripeMeterReports1796236462770 implements MigrationInterface {
  name = 'StripeMeterReports1796236462770';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "stripe_meters" ("meter" text NOT NULL, "meter_id" text NOT NULL, "event_name" text NOT NULL, "product_id" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4b627db436ec27aed318765545f" UNIQUE ("meter_id"), CONSTRAINT "PK_1894f328cae1e3cff8ee486e41c" PRIMARY KEY ("meter"))`);
    await q.query(`CREATE TABLE "stripe_meter_hours" ("team_id" uuid NOT NULL, "hour_start" TIMESTAMP WITH TIME ZONE NOT NULL, "total_tokens" bigint NOT NULL DEFAULT '0', "markup_nano_usd" bigint NOT NULL DEFAULT '0', "revision" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8bd26614b7b55cfb9b4461e42e3" PRIMARY KEY ("team_id", "hour_start"))`);
    await q.query(`CREATE TABLE "stripe_meter_reports" ("identifier" text NOT NULL, "team_id" uuid NOT NULL, "customer_id" text NOT NULL, "meter" text NOT NULL, "event_name" text NOT NULL, "hour_start" TIMESTAMP WITH TIME ZONE NOT NULL, "revision" integer NOT NULL DEFAULT '0', "value" bigint NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e69238257ba023356e6b123dbf" PRIMARY KEY ("identifier"))`);
    await q.query(`CREATE INDEX "idx_stripe_meter_reports_team_hour" ON "stripe_meter_reports"("team_id", "meter", "hour_start")`);
    await q.query(`CREATE INDEX "idx_stripe_meter_reports_due" ON "stripe_meter_reports"("status", "next_attempt_at")`);
    await q.query(`CREATE TABLE "stripe_reconciliations" ("team_id" uuid NOT NULL, "meter" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "period_end" TIMESTAMP WITH TIME ZONE NOT NULL, "ledger_value" bigint NOT NULL, "delivered_value" bigint NOT NULL, "pending_value" bigint NOT NULL, "stripe_value" bigint NOT NULL, "difference" bigint NOT NULL, "status" text NOT NULL, "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fd21a06eaf2ff463d1775c35d5b" PRIMARY KEY ("team_id", "meter", "period_start"))`);
    await q.query(`CREATE INDEX "idx_stripe_reconciliations_status" ON "stripe_reconciliations"("status", "period_start")`);
    await q.query(`ALTER TABLE "stripe_customers" ADD "carry_tokens" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "stripe_customers" ADD "carry_markup_nano_usd" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "stripe_customers" ADD "synced_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "stripe_customers" DROP COLUMN "synced_at"`);
    await q.query(`ALTER TABLE "stripe_customers" DROP COLUMN "carry_markup_nano_usd"`);
    await q.query(`ALTER TABLE "stripe_customers" DROP COLUMN "carry_tokens"`);
    await q.query(`DROP INDEX "public"."idx_stripe_reconciliations_status"`);
    await q.query(`DROP TABLE "stripe_reconciliations"`);
    await q.query(`DROP INDEX "public"."idx_stripe_meter_reports_due"`);
    await q.query(`DROP INDEX "public"."idx_stripe_meter_reports_team_hour"`);
    await q.query(`DROP TABLE "stripe_meter_reports"`);
    await q.query(`DROP TABLE "stripe_meter_hours"`);
    await q.query(`DROP TABLE "stripe_meters"`);
  }
}
