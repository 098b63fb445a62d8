import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1763900000000 implements MigrationInterface {
  name = 'Init1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_events" (
      "id" uuid PRIMARY KEY,
      "team_id" uuid,
      "actor_user_id" uuid,
      "actor_api_key_id" uuid,
      "action" text NOT NULL,
      "target_type" text,
      "target_id" text,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "ip" text,
      "request_id" text,
      "created_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX "idx_audit_events_team_created" ON "audit_events" ("team_id", "created_at")`);
    await q.query(`CREATE FUNCTION tollgate_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`);
    await q.query(`CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION tollgate_reject_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION tollgate_reject_change()`);
  }
}
