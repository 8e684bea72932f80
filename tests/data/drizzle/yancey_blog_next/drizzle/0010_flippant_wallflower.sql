ALTER TABLE "blog_versions" ADD COLUMN "content_blocks" text;--> statement-breakpoint
ALTER TABLE "blogs" ADD COLUMN "content_blocks" text;