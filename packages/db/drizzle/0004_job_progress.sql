CREATE TYPE "public"."job_progress_kind" AS ENUM('started', 'step', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "job_progress" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_progress_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" text NOT NULL,
	"function_id" text NOT NULL,
	"owner_id" integer,
	"subject" text,
	"kind" "job_progress_kind" NOT NULL,
	"done" integer NOT NULL,
	"total" integer NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_progress" ADD CONSTRAINT "job_progress_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_progress_owner_idx" ON "job_progress" USING btree ("owner_id","id");--> statement-breakpoint
CREATE INDEX "job_progress_run_idx" ON "job_progress" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "job_progress_subject_idx" ON "job_progress" USING btree ("subject","id");--> statement-breakpoint
CREATE INDEX "job_progress_created_idx" ON "job_progress" USING btree ("created_at");