-- DropIndex
DROP INDEX "Post_createdAt_key";

-- DropIndex
DROP INDEX "Post_updatedAt_key";
