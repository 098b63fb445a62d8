import { MigrationInterface, QueryRunner } from 'typeorm';

export class Invoices1795463182862 implements MigrationInterface {
  name = 'Invoices1795463182862';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "invoices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid, "stripe_invoice_id" text NOT NULL, "customer_id" text NOT NULL, "status" text NOT NULL, "amount_due_cents" bigint NOT NULL DEFAULT '0', "amount_paid_cents" bigint NOT NULL DEFAULT '0', "currency" text NOT NULL DEFAULT 'usd', "period_start" TIMESTAMP WITH TIME ZONE, "period_end" TIMESTAMP WITH TIME ZONE, "hosted_invoice_url" text, "event_created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_0ddf8494c8665a57c670287ccd6" UNIQUE ("stripe_invoice_id"), CONSTRAINT "PK_668cef7c22a427fd822cc1be3ce" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_invoices_team_period" ON "invoices"("team_id", "period_start")`);
    await q.query(`CREATE TABLE "stripe_events" ("event_id" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d0cc4569d90cb27607b2c743b4c" PRIMARY KEY ("event_id"))`);
    await q.query(`CREATE TABLE "stripe_customers" ("team_id" uuid NOT NULL, "customer_id" text NOT NULL, "subscription_id" text, CONSTRAINT "UQ_028edaccf255564827d7e04d7ad" UNIQUE ("customer_id"), CONSTRAINT "PK_0054c04052546e4c0dd37ed2345" PRIMARY KEY ("team_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "stripe_customers"`);
    await q.query(`DROP TABLE "stripe_events"`);
    await q.query(`DROP INDEX "public"."idx_invoices_team_period"`);
    await q.query(`DROP TABLE "invoices"`);
  }
}
