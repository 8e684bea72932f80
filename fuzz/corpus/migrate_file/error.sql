-- migrate:up
CREATE TABLE c(x);
INSERT INTO nope VALUES (1);
-- migrate:down
