-- migrate:up transaction:false
CREATE TABLE a(x);
CREATE INDEX i ON a(x);
-- migrate:down
DROP TABLE a;
