-- The vector snapshot beside the store (search/vector_snapshot.h) is used while its header names
-- the store's (store_id, generation). A counter let a store restored from a backup reach the
-- same generation again with other vectors (restore, then embed something else), and search
-- then used the old snapshot: it missed the restored documents. Each change now draws a random
-- generation, which a store that went another way does not draw again.
-- migrate:up
DROP TRIGGER embeddings_generation_after_insert;
DROP TRIGGER embeddings_generation_after_update;
DROP TRIGGER embeddings_generation_after_delete;

CREATE TRIGGER embeddings_generation_after_insert AFTER INSERT ON embeddings BEGIN
  UPDATE embedding_generation SET generation = random() WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_update AFTER UPDATE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = random() WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_delete AFTER DELETE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = random() WHERE id = 1;
END;

UPDATE embedding_generation SET generation = random() WHERE id = 1;

-- migrate:down
DROP TRIGGER embeddings_generation_after_delete;
DROP TRIGGER embeddings_generation_after_update;
DROP TRIGGER embeddings_generation_after_insert;

CREATE TRIGGER embeddings_generation_after_insert AFTER INSERT ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_update AFTER UPDATE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER embeddings_generation_after_delete AFTER DELETE ON embeddings BEGIN
  UPDATE embedding_generation SET generation = generation + 1 WHERE id = 1;
END;
