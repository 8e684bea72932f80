-- Cases for tests/e2e/migrate_diff.sh on SQLite: each case's `before` is the only migration of a
-- fresh project; `strata migrate diff` must turn it into `after` (compared with a database built
-- from after.sql directly). Format: "-- case: NAME", "-- before", SQL, "-- after", SQL, and an
-- optional "-- args: ..." line (extra arguments for `diff`). Lines before the first case are ignored.

-- case: create_table
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);

-- case: create_first_table
-- before
-- an empty schema: the first migration leaves nothing behind
CREATE TABLE placeholder (x);
DROP TABLE placeholder;
-- after
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);

-- case: drop_table
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE legacy_sessions (id INTEGER PRIMARY KEY, token TEXT, expires_at TEXT);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: drop_table_with_index_and_trigger
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, user_id INTEGER, at TEXT);
CREATE INDEX audit_user ON audit(user_id);
CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit (user_id, at) VALUES (NEW.id, datetime('now')); END;
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: add_nullable_column
-- before
CREATE TABLE t (id INTEGER PRIMARY KEY);
-- after
CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);

-- case: add_column_with_default
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, role TEXT DEFAULT 'member');

-- case: add_not_null_column_with_default
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);

-- case: add_not_null_column_backfill
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, display_name TEXT NOT NULL);

-- case: add_two_columns
-- before
CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL);
-- after
CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL, currency TEXT NOT NULL DEFAULT 'EUR', paid_at TEXT);

-- case: add_timestamp_expression_default
-- before
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL);
-- after
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL DEFAULT (datetime('now')));

-- case: drop_column
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy_flag INTEGER);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: drop_indexed_column
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, nickname TEXT);
CREATE INDEX users_nickname ON users(nickname);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: drop_unique_column
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, handle TEXT UNIQUE);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: drop_pk_column
-- before
CREATE TABLE memberships (user_id INTEGER NOT NULL, group_id INTEGER NOT NULL, PRIMARY KEY (user_id, group_id));
-- after
CREATE TABLE memberships (user_id INTEGER NOT NULL PRIMARY KEY);

-- case: change_type_widen
-- before
CREATE TABLE products (id INTEGER PRIMARY KEY, sku VARCHAR(20) NOT NULL, price INTEGER);
-- after
CREATE TABLE products (id INTEGER PRIMARY KEY, sku VARCHAR(64) NOT NULL, price REAL);

-- case: change_type_narrow
-- before
CREATE TABLE measurements (id INTEGER PRIMARY KEY, value REAL, label TEXT);
-- after
CREATE TABLE measurements (id INTEGER PRIMARY KEY, value INTEGER, label VARCHAR(10));

-- case: make_column_not_null
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: make_column_nullable
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, phone TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, phone TEXT);

-- case: add_default
-- before
CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT NOT NULL);
-- after
CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT NOT NULL DEFAULT 'open');

-- case: change_default
-- before
CREATE TABLE tasks (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL DEFAULT 0);
-- after
CREATE TABLE tasks (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL DEFAULT 3);

-- case: drop_default
-- before
CREATE TABLE tasks (id INTEGER PRIMARY KEY, owner TEXT DEFAULT 'nobody');
-- after
CREATE TABLE tasks (id INTEGER PRIMARY KEY, owner TEXT);

-- case: add_virtual_generated_column
-- before
CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT);
-- after
CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) VIRTUAL);

-- case: add_stored_generated_column
-- before
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, unit_price REAL NOT NULL);
-- after
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, unit_price REAL NOT NULL, amount REAL GENERATED ALWAYS AS (qty * unit_price) STORED);

-- case: change_generated_expression
-- before
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, unit_price REAL NOT NULL, amount REAL GENERATED ALWAYS AS (qty * unit_price) VIRTUAL);
-- after
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, unit_price REAL NOT NULL, amount REAL GENERATED ALWAYS AS (round(qty * unit_price, 2)) VIRTUAL);

-- case: add_collation
-- before
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- after
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE);

-- case: add_primary_key
-- before
CREATE TABLE kv (k TEXT NOT NULL, v TEXT);
-- after
CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v TEXT);

-- case: change_to_composite_primary_key
-- before
CREATE TABLE user_roles (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, role TEXT NOT NULL);
-- after
CREATE TABLE user_roles (user_id INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (user_id, role));

-- case: add_unique_constraint
-- before
CREATE TABLE accounts (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, slug TEXT NOT NULL);
-- after
CREATE TABLE accounts (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, slug TEXT NOT NULL, UNIQUE (org_id, slug));

-- case: drop_unique_constraint
-- before
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
-- after
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: add_foreign_key
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT);

-- case: add_foreign_key_column
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER REFERENCES users(id));

-- case: drop_foreign_key
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);

-- case: foreign_key_on_delete_cascade
-- before
CREATE TABLE orders (id INTEGER PRIMARY KEY);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), sku TEXT);
-- after
CREATE TABLE orders (id INTEGER PRIMARY KEY);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE, sku TEXT);

-- case: change_foreign_key_target
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE teams (id INTEGER PRIMARY KEY);
CREATE TABLE docs (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES users(id));
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE teams (id INTEGER PRIMARY KEY);
CREATE TABLE docs (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES teams(id) ON DELETE SET NULL);

-- case: composite_foreign_key
-- before
CREATE TABLE variants (product_id INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (product_id, code));
CREATE TABLE stock (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, code TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0);
-- after
CREATE TABLE variants (product_id INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (product_id, code));
CREATE TABLE stock (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, code TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY (product_id, code) REFERENCES variants(product_id, code) ON DELETE CASCADE);

-- case: self_referencing_foreign_key
-- before
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- after
CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE);

-- case: add_check_constraint
-- before
CREATE TABLE products (id INTEGER PRIMARY KEY, price REAL NOT NULL);
-- after
CREATE TABLE products (id INTEGER PRIMARY KEY, price REAL NOT NULL CHECK (price >= 0));

-- case: add_table_check_constraint
-- before
CREATE TABLE bookings (id INTEGER PRIMARY KEY, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL);
-- after
CREATE TABLE bookings (id INTEGER PRIMARY KEY, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, CONSTRAINT bookings_order CHECK (ends_at > starts_at));

-- case: drop_check_constraint
-- before
CREATE TABLE products (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL CHECK (qty > 0));
-- after
CREATE TABLE products (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL);

-- case: change_check_constraint
-- before
CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('open', 'done')));
-- after
CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('open', 'doing', 'done')));

-- case: create_index
-- before
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);
-- after
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);
CREATE INDEX posts_user_id ON posts(user_id);

-- case: drop_index
-- before
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);
CREATE INDEX posts_created ON posts(created_at);
-- after
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);

-- case: create_unique_index
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE UNIQUE INDEX users_email_unique ON users(email);

-- case: multi_column_index
-- before
CREATE TABLE events (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL);
-- after
CREATE TABLE events (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX events_account_at ON events(account_id, at DESC);

-- case: partial_index
-- before
CREATE TABLE jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, finished_at TEXT);
-- after
CREATE TABLE jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, finished_at TEXT);
CREATE INDEX jobs_pending ON jobs(queue) WHERE finished_at IS NULL;

-- case: expression_index
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE UNIQUE INDEX users_email_lower ON users(lower(email));

-- case: change_index_columns
-- before
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);
CREATE INDEX posts_lookup ON posts(user_id);
-- after
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, created_at TEXT);
CREATE INDEX posts_lookup ON posts(user_id, created_at);

-- case: index_becomes_unique
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, handle TEXT);
CREATE INDEX users_handle ON users(handle);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, handle TEXT);
CREATE UNIQUE INDEX users_handle ON users(handle);

-- case: change_partial_index_predicate
-- before
CREATE TABLE jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX jobs_active ON jobs(queue) WHERE state = 'queued';
-- after
CREATE TABLE jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX jobs_active ON jobs(queue) WHERE state IN ('queued', 'running');

-- case: create_view
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;

-- case: drop_view
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE VIEW user_emails AS SELECT email FROM users;
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- case: change_view
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email, upper(email) AS email_upper FROM users WHERE active <> 0;

-- case: view_on_view
-- before
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
-- after
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;

-- case: change_view_under_view
-- before
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;
-- after
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 500;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;

-- case: create_trigger
-- before
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);
-- after
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);
CREATE TRIGGER docs_touch AFTER UPDATE OF body ON docs BEGIN
  UPDATE docs SET updated_at = datetime('now') WHERE id = NEW.id;
END;

-- case: drop_trigger
-- before
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);
CREATE TRIGGER docs_touch AFTER UPDATE OF body ON docs BEGIN
  UPDATE docs SET updated_at = datetime('now') WHERE id = NEW.id;
END;
-- after
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);

-- case: change_trigger
-- before
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);
CREATE TRIGGER docs_touch AFTER UPDATE OF body ON docs BEGIN
  UPDATE docs SET updated_at = datetime('now') WHERE id = NEW.id;
END;
-- after
CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, updated_at TEXT);
CREATE TRIGGER docs_touch AFTER UPDATE ON docs WHEN OLD.body IS NOT NEW.body BEGIN
  UPDATE docs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- case: rename_table
-- before
CREATE TABLE user_account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, created_at TEXT);
-- after
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, created_at TEXT);
-- args: --rename user_account=accounts

-- case: rename_table_referenced
-- before
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id), title TEXT);
-- after
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title TEXT);
-- args: --rename author=authors

-- case: rename_column
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT NOT NULL);
-- args: --rename users.name=full_name

-- case: rename_indexed_column
-- before
CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER, title TEXT);
CREATE INDEX posts_author ON posts(author);
-- after
CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT);
CREATE INDEX posts_author ON posts(author_id);
-- args: --rename posts.author=author_id

-- case: rename_table_and_column
-- before
CREATE TABLE client (id INTEGER PRIMARY KEY, nm TEXT NOT NULL);
-- after
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- args: --rename client=customers --rename customers.nm=name

-- case: column_drop_and_add_no_rename
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, nickname TEXT, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, bio TEXT);
-- args: --no-rename

-- case: table_drop_and_create_no_rename
-- before
CREATE TABLE tmp_import (id INTEGER PRIMARY KEY, payload TEXT);
-- after
CREATE TABLE import_rows (id INTEGER PRIMARY KEY, payload TEXT);
-- args: --no-rename

-- case: several_changes
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);
CREATE INDEX posts_title ON posts(title);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, created_at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL DEFAULT '', published INTEGER NOT NULL DEFAULT 0);
CREATE INDEX posts_user ON posts(user_id);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id), body TEXT NOT NULL);
CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE published = 1;
-- args: --no-rename

-- case: rebuild_table_referenced_by_foreign_keys
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT);
CREATE TABLE likes (user_id INTEGER NOT NULL REFERENCES users(id), post_id INTEGER NOT NULL REFERENCES posts(id), PRIMARY KEY (user_id, post_id));
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE UNIQUE);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT);
CREATE TABLE likes (user_id INTEGER NOT NULL REFERENCES users(id), post_id INTEGER NOT NULL REFERENCES posts(id), PRIMARY KEY (user_id, post_id));

-- case: rebuild_table_with_trigger
-- before
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price INTEGER, updated_at TEXT);
CREATE TRIGGER items_touch AFTER UPDATE OF price ON items BEGIN
  UPDATE items SET updated_at = datetime('now') WHERE id = NEW.id;
END;
CREATE INDEX items_name ON items(name);
-- after
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL CHECK (price >= 0), updated_at TEXT);
CREATE TRIGGER items_touch AFTER UPDATE OF price ON items BEGIN
  UPDATE items SET updated_at = datetime('now') WHERE id = NEW.id;
END;
CREATE INDEX items_name ON items(name);

-- case: rebuild_table_with_view
-- before
CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT, amount INTEGER);
CREATE VIEW invoice_totals AS SELECT customer, sum(amount) AS total FROM invoices GROUP BY customer;
-- after
CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL NOT NULL DEFAULT 0);
CREATE VIEW invoice_totals AS SELECT customer, sum(amount) AS total FROM invoices GROUP BY customer;

-- case: drop_column_used_by_view
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, old_score INTEGER);
CREATE VIEW scores AS SELECT id, old_score FROM users;
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE VIEW scores AS SELECT id, length(email) AS old_score FROM users;

-- case: drop_table_used_by_view
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE visits (id INTEGER PRIMARY KEY, user_id INTEGER, at TEXT);
CREATE VIEW last_visits AS SELECT user_id, max(at) AS at FROM visits GROUP BY user_id;
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);

-- case: without_rowid_create
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE word_counts (word TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

-- case: convert_to_without_rowid
-- before
CREATE TABLE word_counts (word TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
-- after
CREATE TABLE word_counts (word TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

-- case: add_column_without_rowid
-- before
CREATE TABLE pairs (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
-- after
CREATE TABLE pairs (a TEXT NOT NULL, b TEXT NOT NULL, weight REAL, PRIMARY KEY (a, b)) WITHOUT ROWID;

-- case: strict_table_create
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL, raw ANY) STRICT;

-- case: convert_to_strict
-- before
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL);
-- after
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL) STRICT;

-- case: strict_change_type
-- before
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INT) STRICT;
-- after
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL, unit TEXT) STRICT;

-- case: autoincrement
-- before
CREATE TABLE tickets (id INTEGER PRIMARY KEY, subject TEXT);
-- after
CREATE TABLE tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT);

-- case: quoted_keyword_identifiers
-- before
CREATE TABLE "order" (id INTEGER PRIMARY KEY, "group" TEXT);
-- after
CREATE TABLE "order" (id INTEGER PRIMARY KEY, "group" TEXT NOT NULL DEFAULT 'none', "select" INTEGER);
CREATE INDEX "order by group" ON "order"("group");

-- case: names_holding_quotes
-- before
CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY, "a""b" TEXT);
-- after
CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY, "a""b" TEXT, "q""" TEXT, "x`y" INTEGER, "it's" INTEGER, "sp ""a"" ce" TEXT);
CREATE INDEX "ix ""q""" ON "we""ird" ("q""");

-- case: rebuild_names_holding_quotes
-- before
CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY, "a""b" TEXT, "old""col" TEXT, "it's" INTEGER);
-- after
CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY, "a""b" TEXT NOT NULL DEFAULT 'x', "it's" INTEGER CHECK ("it's" > 0));

-- case: mixed_case_names
-- before
CREATE TABLE UserAccounts (Id INTEGER PRIMARY KEY, DisplayName TEXT);
-- after
CREATE TABLE UserAccounts (Id INTEGER PRIMARY KEY, DisplayName TEXT NOT NULL DEFAULT '', LastLogin TEXT);
CREATE INDEX IX_UserAccounts_LastLogin ON UserAccounts(LastLogin);

-- case: foreign_key_cycle
-- before
CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE people (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams(id));
-- after
CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT, captain_id INTEGER REFERENCES people(id));
CREATE TABLE people (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL);

-- case: new_table_referenced_by_existing
-- before
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- after
CREATE TABLE brands (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, brand_id INTEGER REFERENCES brands(id));
CREATE INDEX products_brand ON products(brand_id);

-- case: unique_nocase_column
-- before
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
-- after
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL COLLATE NOCASE UNIQUE);

-- case: many_tables_one_change_each
-- before
CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);
CREATE TABLE b (id INTEGER PRIMARY KEY, y TEXT);
CREATE TABLE c (id INTEGER PRIMARY KEY, z TEXT);
CREATE INDEX c_z ON c(z);
-- after
CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT, x2 TEXT);
CREATE TABLE b (id INTEGER PRIMARY KEY, y TEXT NOT NULL);
CREATE TABLE c (id INTEGER PRIMARY KEY, z TEXT);
CREATE INDEX c_z ON c(z, id);

-- case: comments_in_create_table
-- before
CREATE TABLE users ( -- the people
  -- the key
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '--', -- the user's name, (shown)
  /* a block comment, with a comma */ email TEXT /* after */
  -- last
);
-- after
CREATE TABLE users ( -- the people
  -- the key
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '--', -- the user's name, (shown)
  /* a block comment, with a comma */ email TEXT /* after */,
  note TEXT -- added
  -- last
);

-- case: comments_in_a_rebuilt_table
-- before
CREATE TABLE users (
  id INTEGER PRIMARY KEY, -- the key, (an alias of rowid)
  /* who */ name TEXT
  -- last
);
CREATE INDEX users_name ON users(name);
-- after
CREATE TABLE users (
  id INTEGER PRIMARY KEY, -- the key, (an alias of rowid)
  /* who, now required */ name TEXT NOT NULL DEFAULT ''
  -- last
);
CREATE INDEX users_name ON users(name);

-- case: appended_virtual_generated_column_added_in_place
-- before
CREATE TABLE boxes (id INTEGER PRIMARY KEY, w INTEGER NOT NULL, h INTEGER NOT NULL);
CREATE INDEX boxes_w ON boxes (w);
-- after
CREATE TABLE boxes (id INTEGER PRIMARY KEY, w INTEGER NOT NULL, h INTEGER NOT NULL, area INTEGER GENERATED ALWAYS AS (w * h) VIRTUAL);
CREATE INDEX boxes_w ON boxes (w);

-- case: expression_index_with_asc
-- before
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- after
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE INDEX users_email_lower ON users (lower(email) ASC, id DESC);
