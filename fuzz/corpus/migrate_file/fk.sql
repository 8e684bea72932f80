-- migrate:up foreign_keys:off
CREATE TABLE d(x);
-- migrate:down transaction:false
DROP TABLE d;
