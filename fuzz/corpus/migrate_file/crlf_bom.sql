-- migrate:up
CREATE TABLE b(y);
-- migrate:down
DROP TABLE b;
