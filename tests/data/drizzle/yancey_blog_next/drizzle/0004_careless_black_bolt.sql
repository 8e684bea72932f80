ALTER TABLE "blogs" ALTER COLUMN "summary" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "blogs" ALTER COLUMN "cover_image" SET NOT NULL;