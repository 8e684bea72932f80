-- Cases for tests/e2e/migrate_diff.sh on PostgreSQL: each case's `before` is the only migration of
-- a fresh project; `strata migrate diff` must turn it into `after`. Format: "-- case: NAME",
-- "-- before", SQL, "-- after", SQL, and an optional "-- args: ..." line (extra arguments for
-- `diff`). Lines before the first case are ignored.

-- case: create_table
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (id bigserial PRIMARY KEY, title text NOT NULL, body text, created_at timestamptz NOT NULL DEFAULT now());

-- case: drop_table
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE legacy_sessions (id bigserial PRIMARY KEY, token text, expires_at timestamptz);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- case: add_nullable_column
-- before
CREATE TABLE t (id integer PRIMARY KEY);
-- after
CREATE TABLE t (id integer PRIMARY KEY, note text);

-- case: add_column_with_default
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, role text DEFAULT 'member');

-- case: add_not_null_column_with_default
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true);

-- case: add_not_null_column_backfill
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, display_name text NOT NULL);

-- case: add_timestamptz_now_default
-- before
CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL);
-- after
CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());

-- case: add_jsonb_and_array_columns
-- before
CREATE TABLE profiles (id bigserial PRIMARY KEY);
-- after
CREATE TABLE profiles (id bigserial PRIMARY KEY, settings jsonb NOT NULL DEFAULT '{}'::jsonb, tags text[] NOT NULL DEFAULT '{}');

-- case: drop_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, legacy_flag boolean);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- case: drop_indexed_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, nickname text);
CREATE INDEX users_nickname ON users (nickname);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- case: widen_varchar
-- before
CREATE TABLE products (id serial PRIMARY KEY, sku varchar(20) NOT NULL);
-- after
CREATE TABLE products (id serial PRIMARY KEY, sku varchar(64) NOT NULL);

-- case: integer_to_bigint
-- before
CREATE TABLE counters (id serial PRIMARY KEY, hits integer NOT NULL DEFAULT 0);
-- after
CREATE TABLE counters (id serial PRIMARY KEY, hits bigint NOT NULL DEFAULT 0);

-- case: narrow_varchar
-- before
CREATE TABLE products (id serial PRIMARY KEY, name varchar(200));
-- after
CREATE TABLE products (id serial PRIMARY KEY, name varchar(50));

-- case: text_to_integer
-- before
CREATE TABLE imports (id serial PRIMARY KEY, quantity text);
-- after
CREATE TABLE imports (id serial PRIMARY KEY, quantity integer);

-- case: numeric_precision
-- before
CREATE TABLE prices (id serial PRIMARY KEY, amount numeric(10,2) NOT NULL);
-- after
CREATE TABLE prices (id serial PRIMARY KEY, amount numeric(14,4) NOT NULL);

-- case: timestamp_to_timestamptz
-- before
CREATE TABLE logs (id bigserial PRIMARY KEY, at timestamp NOT NULL);
-- after
CREATE TABLE logs (id bigserial PRIMARY KEY, at timestamptz NOT NULL);

-- case: set_not_null
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- case: drop_not_null
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, phone text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, phone text);

-- case: add_default
-- before
CREATE TABLE tasks (id serial PRIMARY KEY, status text NOT NULL);
-- after
CREATE TABLE tasks (id serial PRIMARY KEY, status text NOT NULL DEFAULT 'open');

-- case: change_default
-- before
CREATE TABLE tasks (id serial PRIMARY KEY, priority smallint NOT NULL DEFAULT 0);
-- after
CREATE TABLE tasks (id serial PRIMARY KEY, priority smallint NOT NULL DEFAULT 3);

-- case: drop_default
-- before
CREATE TABLE tasks (id serial PRIMARY KEY, owner text DEFAULT 'nobody');
-- after
CREATE TABLE tasks (id serial PRIMARY KEY, owner text);

-- case: add_generated_column
-- before
CREATE TABLE lines (id serial PRIMARY KEY, qty integer NOT NULL, unit_price numeric(10,2) NOT NULL);
-- after
CREATE TABLE lines (id serial PRIMARY KEY, qty integer NOT NULL, unit_price numeric(10,2) NOT NULL,
  amount numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED);

-- case: change_generated_expression
-- before
CREATE TABLE people (id serial PRIMARY KEY, first_name text, last_name text,
  full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED);
-- after
CREATE TABLE people (id serial PRIMARY KEY, first_name text, last_name text,
  full_name text GENERATED ALWAYS AS (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) STORED);

-- case: change_collation
-- before
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE tags (id serial PRIMARY KEY, name text COLLATE "C" NOT NULL);

-- case: add_primary_key
-- before
CREATE TABLE kv (k text NOT NULL, v text);
-- after
CREATE TABLE kv (k text PRIMARY KEY, v text);

-- case: drop_primary_key
-- before
CREATE TABLE staging (id integer PRIMARY KEY, payload text);
-- after
CREATE TABLE staging (id integer NOT NULL, payload text);

-- case: change_to_composite_primary_key
-- before
CREATE TABLE user_roles (id serial PRIMARY KEY, user_id integer NOT NULL, role text NOT NULL);
-- after
CREATE TABLE user_roles (user_id integer NOT NULL, role text NOT NULL, PRIMARY KEY (user_id, role));

-- case: add_unique_constraint
-- before
CREATE TABLE accounts (id serial PRIMARY KEY, org_id integer NOT NULL, slug text NOT NULL);
-- after
CREATE TABLE accounts (id serial PRIMARY KEY, org_id integer NOT NULL, slug text NOT NULL,
  CONSTRAINT accounts_org_slug_key UNIQUE (org_id, slug));

-- case: drop_unique_constraint
-- before
CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
-- after
CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL);

-- case: add_foreign_key
-- before
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL, title text);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), title text);

-- case: drop_foreign_key
-- before
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));
-- after
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint);

-- case: foreign_key_on_delete_cascade
-- before
CREATE TABLE orders (id bigserial PRIMARY KEY);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), sku text);
-- after
CREATE TABLE orders (id bigserial PRIMARY KEY);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, sku text);

-- case: composite_foreign_key
-- before
CREATE TABLE variants (product_id integer NOT NULL, code text NOT NULL, PRIMARY KEY (product_id, code));
CREATE TABLE stock (id serial PRIMARY KEY, product_id integer NOT NULL, code text NOT NULL, qty integer NOT NULL DEFAULT 0);
-- after
CREATE TABLE variants (product_id integer NOT NULL, code text NOT NULL, PRIMARY KEY (product_id, code));
CREATE TABLE stock (id serial PRIMARY KEY, product_id integer NOT NULL, code text NOT NULL, qty integer NOT NULL DEFAULT 0,
  CONSTRAINT stock_variant_fk FOREIGN KEY (product_id, code) REFERENCES variants (product_id, code) ON DELETE CASCADE);

-- case: self_referencing_foreign_key
-- before
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE categories (id serial PRIMARY KEY, name text NOT NULL, parent_id integer REFERENCES categories (id) ON DELETE CASCADE);

-- case: change_referenced_key_type
-- before
CREATE TABLE users (id integer PRIMARY KEY, email text);
CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id));
-- after
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE posts (id integer PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));

-- case: add_check_constraint
-- before
CREATE TABLE products (id serial PRIMARY KEY, price numeric NOT NULL);
-- after
CREATE TABLE products (id serial PRIMARY KEY, price numeric NOT NULL CONSTRAINT price_not_negative CHECK (price >= 0));

-- case: drop_check_constraint
-- before
CREATE TABLE products (id serial PRIMARY KEY, qty integer NOT NULL CHECK (qty > 0));
-- after
CREATE TABLE products (id serial PRIMARY KEY, qty integer NOT NULL);

-- case: change_check_constraint
-- before
CREATE TABLE tasks (id serial PRIMARY KEY, status text NOT NULL, CONSTRAINT tasks_status_check CHECK (status IN ('open', 'done')));
-- after
CREATE TABLE tasks (id serial PRIMARY KEY, status text NOT NULL, CONSTRAINT tasks_status_check CHECK (status IN ('open', 'doing', 'done')));

-- case: create_index
-- before
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);
-- after
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);
CREATE INDEX posts_user_id ON posts (user_id);

-- case: drop_index
-- before
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);
CREATE INDEX posts_created ON posts (created_at);
-- after
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);

-- case: create_unique_index
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX users_email_unique ON users (email);

-- case: multi_column_index
-- before
CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint NOT NULL, kind text NOT NULL, at timestamptz NOT NULL);
-- after
CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint NOT NULL, kind text NOT NULL, at timestamptz NOT NULL);
CREATE INDEX events_account_at ON events (account_id, at DESC);

-- case: partial_index
-- before
CREATE TABLE jobs (id bigserial PRIMARY KEY, queue text NOT NULL, finished_at timestamptz);
-- after
CREATE TABLE jobs (id bigserial PRIMARY KEY, queue text NOT NULL, finished_at timestamptz);
CREATE INDEX jobs_pending ON jobs (queue) WHERE finished_at IS NULL;

-- case: partial_unique_index
-- before
CREATE TABLE subscriptions (id bigserial PRIMARY KEY, user_id bigint NOT NULL, cancelled_at timestamptz);
-- after
CREATE TABLE subscriptions (id bigserial PRIMARY KEY, user_id bigint NOT NULL, cancelled_at timestamptz);
CREATE UNIQUE INDEX one_active_subscription ON subscriptions (user_id) WHERE cancelled_at IS NULL;

-- case: expression_index
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

-- case: change_index_columns
-- before
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);
CREATE INDEX posts_lookup ON posts (user_id);
-- after
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, created_at timestamptz);
CREATE INDEX posts_lookup ON posts (user_id, created_at);

-- case: gin_index_on_jsonb
-- before
CREATE TABLE documents (id bigserial PRIMARY KEY, data jsonb NOT NULL);
-- after
CREATE TABLE documents (id bigserial PRIMARY KEY, data jsonb NOT NULL);
CREATE INDEX documents_data ON documents USING gin (data jsonb_path_ops);

-- case: extension_pg_trgm_index
-- before
CREATE TABLE articles (id bigserial PRIMARY KEY, title text NOT NULL);
-- after
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE articles (id bigserial PRIMARY KEY, title text NOT NULL);
CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops);

-- case: extension_citext_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE users (id bigserial PRIMARY KEY, email citext NOT NULL UNIQUE);

-- case: extension_pgcrypto
-- before
CREATE TABLE api_keys (id bigserial PRIMARY KEY, label text NOT NULL);
-- after
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE api_keys (id bigserial PRIMARY KEY, label text NOT NULL, secret_hash text);
CREATE FUNCTION hash_secret(secret text) RETURNS text LANGUAGE sql AS $$ SELECT crypt(secret, gen_salt('bf')) $$;

-- case: create_view
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;

-- case: drop_view
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE VIEW user_emails AS SELECT email FROM users;
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- case: change_view_add_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW active_users AS SELECT id, email, upper(email) AS email_upper FROM users WHERE active;

-- case: change_view_remove_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);
CREATE VIEW directory AS SELECT id, name, email FROM users;
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);
CREATE VIEW directory AS SELECT id, name FROM users;

-- case: view_on_view
-- before
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
-- after
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;

-- case: change_view_under_view
-- before
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;
-- after
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer FROM orders WHERE total > 500;
CREATE VIEW big_customers AS SELECT customer, count(*) AS n FROM big_orders GROUP BY customer;

-- case: alter_column_used_by_view
-- before
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer varchar(50), amount integer);
CREATE VIEW invoice_totals AS SELECT customer, sum(amount) AS total FROM invoices GROUP BY customer;
-- after
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer varchar(200), amount integer);
CREATE VIEW invoice_totals AS SELECT customer, sum(amount) AS total FROM invoices GROUP BY customer;

-- case: create_materialized_view
-- before
CREATE TABLE sales (id bigserial PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
-- after
CREATE TABLE sales (id bigserial PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;

-- case: create_function
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN lower(trim(e)); -- a ; inside the body
END;
$$;

-- case: change_function_body
-- before
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
  RETURN amount * 1.19;
END;
$$;
-- after
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
  RETURN round(amount * 1.20, 2);
END;
$$;

-- case: drop_function
-- before
CREATE TABLE t (id integer PRIMARY KEY);
CREATE FUNCTION answer() RETURNS integer LANGUAGE sql AS $$ SELECT 42 $$;
-- after
CREATE TABLE t (id integer PRIMARY KEY);

-- case: create_trigger
-- before
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
-- after
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION docs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER docs_touch BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION docs_touch();

-- case: drop_trigger
-- before
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION docs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER docs_touch BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION docs_touch();
-- after
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION docs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- case: change_trigger
-- before
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION docs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER docs_touch BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION docs_touch();
-- after
CREATE TABLE docs (id bigserial PRIMARY KEY, body text, updated_at timestamptz);
CREATE FUNCTION docs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER docs_touch BEFORE INSERT OR UPDATE OF body ON docs FOR EACH ROW EXECUTE FUNCTION docs_touch();

-- case: create_sequence
-- before
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer text NOT NULL);
-- after
CREATE SEQUENCE invoice_number_seq START WITH 1000 INCREMENT BY 1;
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer text NOT NULL, number bigint NOT NULL DEFAULT nextval('invoice_number_seq'));

-- case: change_sequence_increment
-- before
CREATE SEQUENCE ticket_seq START WITH 1 INCREMENT BY 1;
-- after
CREATE SEQUENCE ticket_seq START WITH 1 INCREMENT BY 10 MAXVALUE 1000000 CYCLE;

-- case: drop_sequence
-- before
CREATE TABLE t (id integer PRIMARY KEY);
CREATE SEQUENCE unused_seq;
-- after
CREATE TABLE t (id integer PRIMARY KEY);

-- case: create_enum
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, mood mood);

-- case: enum_add_value
-- before
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending');
-- after
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'refunded');
CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL DEFAULT 'pending');

-- case: enum_add_value_in_the_middle
-- before
CREATE TYPE size AS ENUM ('small', 'large');
CREATE TABLE shirts (id serial PRIMARY KEY, size size NOT NULL);
-- after
CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirts (id serial PRIMARY KEY, size size NOT NULL);

-- case: drop_enum_and_column
-- before
CREATE TYPE color AS ENUM ('red', 'green');
CREATE TABLE widgets (id serial PRIMARY KEY, color color);
-- after
CREATE TABLE widgets (id serial PRIMARY KEY);

-- case: add_identity_column
-- before
CREATE TABLE audit (at timestamptz NOT NULL DEFAULT now(), message text);
-- after
CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), message text);

-- case: serial_to_identity
-- before
CREATE TABLE items (id serial PRIMARY KEY, name text);
-- after
CREATE TABLE items (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);

-- case: drop_identity
-- before
CREATE TABLE items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text);

-- case: rename_table
-- before
CREATE TABLE user_account (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz);
-- after
CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz);
-- args: --rename user_account=accounts

-- case: rename_table_referenced
-- before
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id serial PRIMARY KEY, author_id integer REFERENCES author (id), title text);
-- after
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id serial PRIMARY KEY, author_id integer REFERENCES authors (id), title text);
-- args: --rename author=authors

-- case: rename_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, name text, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, full_name text, email text NOT NULL);
-- args: --rename users.name=full_name

-- case: rename_indexed_column
-- before
CREATE TABLE posts (id bigserial PRIMARY KEY, author bigint, title text);
CREATE INDEX posts_author ON posts (author);
-- after
CREATE TABLE posts (id bigserial PRIMARY KEY, author_id bigint, title text);
CREATE INDEX posts_author ON posts (author_id);
-- args: --rename posts.author=author_id

-- case: column_drop_and_add_no_rename
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, nickname text, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, bio text);
-- args: --no-rename

-- case: several_changes
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text, legacy text);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint, title text);
CREATE INDEX posts_title ON posts (title);
-- after
CREATE TYPE post_state AS ENUM ('draft', 'published');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz DEFAULT now());
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL DEFAULT '', state post_state NOT NULL DEFAULT 'draft');
CREATE INDEX posts_user ON posts (user_id);
CREATE TABLE comments (id bigserial PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts (id), body text NOT NULL);
CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE state = 'published';

-- case: quoted_identifiers
-- before
CREATE TABLE "order" (id serial PRIMARY KEY, "group" text);
-- after
CREATE TABLE "order" (id serial PRIMARY KEY, "group" text NOT NULL DEFAULT 'none', "UserName" text);
CREATE INDEX "order by group" ON "order" ("group");

-- case: names_holding_quotes
-- before
CREATE TABLE "we""ird" (id serial PRIMARY KEY, "a""b" text, "old""col" text);
-- after
CREATE TABLE "we""ird" (id serial PRIMARY KEY, "a""b" text NOT NULL DEFAULT 'x', "q""" text, "it's" int);
CREATE INDEX "ix ""q""" ON "we""ird" ("q""");
-- args: --no-rename

-- case: concurrently_index_on_existing_table
-- before
CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint NOT NULL, at timestamptz NOT NULL);
-- after
CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint NOT NULL, at timestamptz NOT NULL);
CREATE INDEX events_account ON events (account_id);
CREATE UNIQUE INDEX events_account_at ON events (account_id, at);
-- args: --concurrently

-- case: concurrently_with_new_table_and_column
-- before
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- after
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, team_id bigint);
CREATE INDEX users_team ON users (team_id);
CREATE TABLE teams (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE INDEX teams_name ON teams (name);
-- args: --concurrently

-- case: identity_options_change
-- before
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10), title text);
-- after
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 5000 MAXVALUE 900000 CYCLE), title text);

-- case: identity_with_options_added
-- before
CREATE TABLE tickets (id bigint NOT NULL, title text);
-- after
CREATE TABLE tickets (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5), title text);

-- case: unlogged_table
-- before
CREATE TABLE cache (k text PRIMARY KEY, v text);
CREATE UNLOGGED TABLE scratch (k text PRIMARY KEY);
-- after
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text);
CREATE TABLE scratch (k text PRIMARY KEY);
CREATE UNLOGGED TABLE sessions (id uuid PRIMARY KEY, data jsonb);

-- case: tables_in_another_schema
-- before
CREATE SCHEMA app;
CREATE TABLE app.accounts (id bigserial PRIMARY KEY, name text NOT NULL);
-- after
CREATE SCHEMA app;
CREATE TABLE app.accounts (id bigserial PRIMARY KEY, name text NOT NULL, plan text);
CREATE TABLE app.invoices (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES app.accounts (id));
CREATE INDEX invoices_account ON app.invoices (account_id);

-- case: unique_that_duplicates_the_primary_key
-- before
CREATE TABLE codes (code text PRIMARY KEY);
-- after
CREATE TABLE codes (code text PRIMARY KEY);
ALTER TABLE codes ADD CONSTRAINT codes_code_unique UNIQUE (code);

-- case: foreign_keys_in_a_cycle
-- before
CREATE TABLE owners (id integer PRIMARY KEY);
-- after
CREATE TABLE owners (id integer PRIMARY KEY);
CREATE TABLE flags (id integer PRIMARY KEY, default_variant_id integer);
CREATE TABLE variants (id integer PRIMARY KEY, flag_id integer NOT NULL REFERENCES flags (id));
ALTER TABLE flags ADD CONSTRAINT flags_default_variant_fk FOREIGN KEY (default_variant_id) REFERENCES variants (id);

-- case: sequence_owned_by_a_column_no_default_reads
-- before
CREATE TABLE accounts (id integer PRIMARY KEY);
-- after
CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE distributed_locks (name varchar(255) PRIMARY KEY, record_version_number bigint);
CREATE SEQUENCE distributed_locks_rvn CYCLE OWNED BY distributed_locks.record_version_number;

-- case: identity_added_to_a_column
-- before
CREATE TABLE orders (id integer NOT NULL PRIMARY KEY, note text);
-- after
CREATE TABLE orders (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text);

-- case: domain_column
-- before
CREATE TABLE contacts (id integer PRIMARY KEY);
-- after
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE contacts (id integer PRIMARY KEY, email email_address);

-- case: enum_value_appended_to_an_array_column
-- before
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE diaries (id integer PRIMARY KEY, moods mood[]);
-- after
CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
CREATE TABLE diaries (id integer PRIMARY KEY, moods mood[]);

-- case: partition_key_changed
-- before
CREATE TABLE measurements (id integer NOT NULL, at date NOT NULL, region text NOT NULL) PARTITION BY RANGE (at);
-- after
CREATE TABLE measurements (id integer NOT NULL, at date NOT NULL, region text NOT NULL) PARTITION BY LIST (region);

-- case: serial_added
-- before
CREATE TABLE invoices (id integer PRIMARY KEY, total numeric);
-- after
CREATE TABLE invoices (id integer PRIMARY KEY, total numeric, number serial);

-- case: array_column_made_not_null
-- before
CREATE TABLE posts (id integer PRIMARY KEY, tags text[]);
-- after
CREATE TABLE posts (id integer PRIMARY KEY, tags text[] NOT NULL);

-- case: enum_value_used_by_a_check
-- before
CREATE TYPE ticket_state AS ENUM ('open', 'closed');
CREATE TABLE tickets (id integer PRIMARY KEY, state ticket_state NOT NULL DEFAULT 'open', CONSTRAINT tickets_not_closed CHECK (state <> 'closed'));
-- after
CREATE TYPE ticket_state AS ENUM ('open', 'closed', 'archived');
CREATE TABLE tickets (id integer PRIMARY KEY, state ticket_state NOT NULL DEFAULT 'open', CONSTRAINT tickets_not_closed CHECK (state <> 'closed'), CONSTRAINT tickets_not_archived CHECK (state <> 'archived'));
CREATE TABLE audits (id integer PRIMARY KEY, note text, CONSTRAINT audits_note CHECK (note::ticket_state <> 'archived'));
