-- DropIndex
DROP INDEX "Post_createdAt_key";
