-- Cases for tests/e2e/migrate_diff.sh on MySQL/MariaDB: each case's `before` is the only migration
-- of a fresh project; `strata migrate diff` must turn it into `after`. Format: "-- case: NAME",
-- "-- before", SQL, "-- after", SQL, and an optional "-- args: ..." line (extra arguments for
-- `diff`). Lines before the first case are ignored. Triggers are single statements (no DELIMITER).

-- case: create_table
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL) ENGINE=InnoDB;
CREATE TABLE posts (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

-- case: drop_table
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TABLE legacy_sessions (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(64), expires_at DATETIME);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: add_nullable_column
-- before
CREATE TABLE t (id INT PRIMARY KEY);
-- after
CREATE TABLE t (id INT PRIMARY KEY, note TEXT);

-- case: add_column_with_default
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, role VARCHAR(20) DEFAULT 'member');

-- case: add_not_null_column_with_default
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1);

-- case: add_not_null_column_backfill
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, display_name VARCHAR(100) NOT NULL);

-- case: add_timestamp_columns
-- before
CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(30) NOT NULL);
-- after
CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(30) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);

-- case: add_json_column
-- before
CREATE TABLE profiles (id BIGINT AUTO_INCREMENT PRIMARY KEY);
-- after
CREATE TABLE profiles (id BIGINT AUTO_INCREMENT PRIMARY KEY, settings JSON);

-- case: drop_column
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, legacy_flag TINYINT(1));
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: drop_indexed_column
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, nickname VARCHAR(50), KEY users_nickname (nickname));
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: modify_widen_varchar
-- before
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(20) NOT NULL);
-- after
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(64) NOT NULL);

-- case: modify_narrow_varchar
-- before
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200));
-- after
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50));

-- case: int_to_bigint
-- before
CREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, hits INT NOT NULL DEFAULT 0);
-- after
CREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, hits BIGINT NOT NULL DEFAULT 0);

-- case: bigint_to_int
-- before
CREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, hits BIGINT NOT NULL DEFAULT 0);
-- after
CREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, hits INT NOT NULL DEFAULT 0);

-- case: int_to_unsigned
-- before
CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL);
-- after
CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, qty INT UNSIGNED NOT NULL);

-- case: decimal_precision
-- before
CREATE TABLE prices (id INT AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL);
-- after
CREATE TABLE prices (id INT AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(14,4) NOT NULL);

-- case: text_to_mediumtext
-- before
CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body TEXT);
-- after
CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body MEDIUMTEXT);

-- case: datetime_fractional_seconds
-- before
CREATE TABLE logs (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME NOT NULL);
-- after
CREATE TABLE logs (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(3) NOT NULL);

-- case: set_not_null
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255));
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: drop_not_null
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, phone VARCHAR(30) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, phone VARCHAR(30));

-- case: add_default
-- before
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, status VARCHAR(20) NOT NULL);
-- after
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, status VARCHAR(20) NOT NULL DEFAULT 'open');

-- case: change_default
-- before
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, priority SMALLINT NOT NULL DEFAULT 0);
-- after
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, priority SMALLINT NOT NULL DEFAULT 3);

-- case: drop_default
-- before
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(50) DEFAULT 'nobody');
-- after
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(50));

-- case: add_virtual_generated_column
-- before
CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50));
-- after
CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50),
  full_name VARCHAR(101) GENERATED ALWAYS AS (CONCAT(first_name, ' ', last_name)) VIRTUAL);

-- case: add_stored_generated_column
-- before
CREATE TABLE order_lines (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, unit_price DECIMAL(10,2) NOT NULL);
-- after
CREATE TABLE order_lines (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, unit_price DECIMAL(10,2) NOT NULL,
  amount DECIMAL(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED);

-- case: change_generated_expression
-- before
CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50),
  full_name VARCHAR(101) GENERATED ALWAYS AS (CONCAT(first_name, ' ', last_name)) VIRTUAL);
-- after
CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50),
  full_name VARCHAR(101) GENERATED ALWAYS AS (CONCAT_WS(' ', first_name, last_name)) VIRTUAL);

-- case: index_on_generated_column
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL,
  email_lower VARCHAR(255) GENERATED ALWAYS AS (LOWER(email)) VIRTUAL,
  UNIQUE KEY users_email_lower (email_lower));

-- case: change_column_collation
-- before
CREATE TABLE tags (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
-- after
CREATE TABLE tags (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) COLLATE utf8mb4_bin NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- case: change_table_charset
-- before
CREATE TABLE legacy_names (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100)) DEFAULT CHARSET=latin1;
-- after
CREATE TABLE legacy_names (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- case: change_engine
-- before
CREATE TABLE cache_entries (k VARCHAR(100) PRIMARY KEY, v TEXT) ENGINE=InnoDB;
-- after
CREATE TABLE cache_entries (k VARCHAR(100) PRIMARY KEY, v TEXT) ENGINE=MyISAM;

-- case: add_auto_increment
-- before
CREATE TABLE tickets (id INT NOT NULL PRIMARY KEY, subject VARCHAR(200));
-- after
CREATE TABLE tickets (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, subject VARCHAR(200));

-- case: add_primary_key
-- before
CREATE TABLE kv (k VARCHAR(100) NOT NULL, v TEXT);
-- after
CREATE TABLE kv (k VARCHAR(100) NOT NULL PRIMARY KEY, v TEXT);

-- case: drop_primary_key
-- before
CREATE TABLE staging (id INT NOT NULL PRIMARY KEY, payload TEXT);
-- after
CREATE TABLE staging (id INT NOT NULL, payload TEXT);

-- case: change_to_composite_primary_key
-- before
CREATE TABLE user_roles (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, role VARCHAR(30) NOT NULL);
-- after
CREATE TABLE user_roles (user_id INT NOT NULL, role VARCHAR(30) NOT NULL, PRIMARY KEY (user_id, role));

-- case: add_unique_key
-- before
CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, org_id INT NOT NULL, slug VARCHAR(60) NOT NULL);
-- after
CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, org_id INT NOT NULL, slug VARCHAR(60) NOT NULL,
  UNIQUE KEY accounts_org_slug (org_id, slug));

-- case: drop_unique_key
-- before
CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, UNIQUE KEY accounts_email (email));
-- after
CREATE TABLE accounts (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: add_key
-- before
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME);
-- after
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME, KEY posts_user_id (user_id));

-- case: create_index_statement
-- before
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME);
-- after
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME);
CREATE INDEX posts_created ON posts (created_at);

-- case: drop_key
-- before
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME, KEY posts_created (created_at));
-- after
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME);

-- case: multi_column_key
-- before
CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id BIGINT NOT NULL, kind VARCHAR(30) NOT NULL, at DATETIME NOT NULL);
-- after
CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id BIGINT NOT NULL, kind VARCHAR(30) NOT NULL, at DATETIME NOT NULL,
  KEY events_account_kind_at (account_id, kind, at));

-- case: change_key_columns
-- before
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME, KEY posts_lookup (user_id));
-- after
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, created_at DATETIME, KEY posts_lookup (user_id, created_at));

-- case: prefix_key
-- before
CREATE TABLE pages (id INT AUTO_INCREMENT PRIMARY KEY, url VARCHAR(2000) NOT NULL);
-- after
CREATE TABLE pages (id INT AUTO_INCREMENT PRIMARY KEY, url VARCHAR(2000) NOT NULL, KEY pages_url (url(191)));

-- case: fulltext_key
-- before
CREATE TABLE articles (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT) ENGINE=InnoDB;
-- after
CREATE TABLE articles (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT, FULLTEXT KEY articles_text (title, body)) ENGINE=InnoDB;

-- case: add_foreign_key
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(200)) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(200),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB;

-- case: add_foreign_key_column
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200)) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200), author_id BIGINT,
  KEY posts_author (author_id), CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id)) ENGINE=InnoDB;

-- case: drop_foreign_key
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT,
  KEY posts_user (user_id), CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, KEY posts_user (user_id)) ENGINE=InnoDB;

-- case: foreign_key_on_delete_cascade
-- before
CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, sku VARCHAR(40),
  CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)) ENGINE=InnoDB;
-- after
CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, sku VARCHAR(40),
  CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE) ENGINE=InnoDB;

-- case: composite_foreign_key
-- before
CREATE TABLE variants (product_id INT NOT NULL, code VARCHAR(20) NOT NULL, PRIMARY KEY (product_id, code)) ENGINE=InnoDB;
CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, product_id INT NOT NULL, code VARCHAR(20) NOT NULL, qty INT NOT NULL DEFAULT 0) ENGINE=InnoDB;
-- after
CREATE TABLE variants (product_id INT NOT NULL, code VARCHAR(20) NOT NULL, PRIMARY KEY (product_id, code)) ENGINE=InnoDB;
CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, product_id INT NOT NULL, code VARCHAR(20) NOT NULL, qty INT NOT NULL DEFAULT 0,
  KEY stock_variant (product_id, code),
  CONSTRAINT stock_variant_fk FOREIGN KEY (product_id, code) REFERENCES variants (product_id, code) ON DELETE CASCADE) ENGINE=InnoDB;

-- case: self_referencing_foreign_key
-- before
CREATE TABLE categories (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
-- after
CREATE TABLE categories (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, parent_id INT,
  KEY categories_parent (parent_id),
  CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE) ENGINE=InnoDB;

-- case: change_referenced_key_type
-- before
CREATE TABLE users (id INT NOT NULL PRIMARY KEY, email VARCHAR(255)) ENGINE=InnoDB;
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, user_id INT NOT NULL, KEY posts_user (user_id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(255)) ENGINE=InnoDB;
CREATE TABLE posts (id INT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, KEY posts_user (user_id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB;

-- case: add_check_constraint
-- before
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, price DECIMAL(10,2) NOT NULL);
-- after
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, price DECIMAL(10,2) NOT NULL, CONSTRAINT price_not_negative CHECK (price >= 0));

-- case: drop_check_constraint
-- before
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, CONSTRAINT qty_positive CHECK (qty > 0));
-- after
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL);

-- case: change_check_constraint
-- before
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, status VARCHAR(10) NOT NULL, CONSTRAINT tasks_status CHECK (status IN ('open', 'done')));
-- after
CREATE TABLE tasks (id INT AUTO_INCREMENT PRIMARY KEY, status VARCHAR(10) NOT NULL, CONSTRAINT tasks_status CHECK (status IN ('open', 'doing', 'done')));

-- case: enum_column_add
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, mood ENUM('sad', 'ok', 'happy') NOT NULL DEFAULT 'ok');

-- case: enum_add_value
-- before
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, status ENUM('pending', 'paid', 'shipped') NOT NULL DEFAULT 'pending');
-- after
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, status ENUM('pending', 'paid', 'shipped', 'refunded') NOT NULL DEFAULT 'pending');

-- case: set_column
-- before
CREATE TABLE prefs (id INT AUTO_INCREMENT PRIMARY KEY);
-- after
CREATE TABLE prefs (id INT AUTO_INCREMENT PRIMARY KEY, channels SET('email', 'sms', 'push') NOT NULL DEFAULT 'email');

-- case: create_view
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;

-- case: drop_view
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE VIEW user_emails AS SELECT email FROM users;
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: change_view
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1);
CREATE VIEW active_users AS SELECT id, email, UPPER(email) AS email_upper FROM users WHERE active <> 0;

-- case: view_on_view
-- before
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(100) NOT NULL, total DECIMAL(10,2) NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
-- after
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(100) NOT NULL, total DECIMAL(10,2) NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, COUNT(*) AS n FROM big_orders GROUP BY customer;

-- case: change_view_under_view
-- before
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(100) NOT NULL, total DECIMAL(10,2) NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;
CREATE VIEW big_customers AS SELECT customer, COUNT(*) AS n FROM big_orders GROUP BY customer;
-- after
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(100) NOT NULL, total DECIMAL(10,2) NOT NULL);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 500;
CREATE VIEW big_customers AS SELECT customer, COUNT(*) AS n FROM big_orders GROUP BY customer;

-- case: create_trigger
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TRIGGER users_lower_email BEFORE INSERT ON users FOR EACH ROW SET NEW.email = LOWER(NEW.email);

-- case: drop_trigger
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TRIGGER users_lower_email BEFORE INSERT ON users FOR EACH ROW SET NEW.email = LOWER(NEW.email);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- case: change_trigger
-- before
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TRIGGER users_lower_email BEFORE INSERT ON users FOR EACH ROW SET NEW.email = LOWER(NEW.email);
-- after
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL);
CREATE TRIGGER users_lower_email BEFORE INSERT ON users FOR EACH ROW SET NEW.email = LOWER(TRIM(NEW.email));

-- case: trigger_and_column_change
-- before
CREATE TABLE docs (id INT AUTO_INCREMENT PRIMARY KEY, body TEXT, revision INT NOT NULL DEFAULT 0);
-- after
CREATE TABLE docs (id INT AUTO_INCREMENT PRIMARY KEY, body MEDIUMTEXT, revision BIGINT NOT NULL DEFAULT 0);
CREATE TRIGGER docs_revision BEFORE UPDATE ON docs FOR EACH ROW SET NEW.revision = OLD.revision + 1;

-- case: rename_table
-- before
CREATE TABLE user_account (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, created_at DATETIME);
-- after
CREATE TABLE accounts (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, created_at DATETIME);
-- args: --rename user_account=accounts

-- case: rename_table_referenced
-- before
CREATE TABLE author (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
CREATE TABLE book (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT, title VARCHAR(200), KEY book_author (author_id),
  CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id)) ENGINE=InnoDB;
-- after
CREATE TABLE authors (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
CREATE TABLE book (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT, title VARCHAR(200), KEY book_author (author_id),
  CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES authors (id)) ENGINE=InnoDB;
-- args: --rename author=authors

-- case: rename_column
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(255) NOT NULL);
-- args: --rename users.name=full_name

-- case: rename_indexed_column
-- before
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, author BIGINT, title VARCHAR(200), KEY posts_author (author));
-- after
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, author_id BIGINT, title VARCHAR(200), KEY posts_author (author_id));
-- args: --rename posts.author=author_id

-- case: column_drop_and_add_no_rename
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, nickname VARCHAR(100), email VARCHAR(255) NOT NULL);
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, bio VARCHAR(100));
-- args: --no-rename

-- case: several_changes
-- before
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255), legacy VARCHAR(20)) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, title VARCHAR(200), KEY posts_title (title)) ENGINE=InnoDB;
-- after
CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB;
CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, title VARCHAR(200) NOT NULL DEFAULT '',
  state ENUM('draft', 'published') NOT NULL DEFAULT 'draft', KEY posts_user (user_id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE) ENGINE=InnoDB;
CREATE TABLE comments (id BIGINT AUTO_INCREMENT PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT NOT NULL,
  CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id)) ENGINE=InnoDB;
CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE state = 'published';

-- case: quoted_identifiers
-- before
CREATE TABLE `order` (id INT AUTO_INCREMENT PRIMARY KEY, `group` VARCHAR(50));
-- after
CREATE TABLE `order` (id INT AUTO_INCREMENT PRIMARY KEY, `group` VARCHAR(50) NOT NULL DEFAULT 'none', `select` INT, KEY `order by group` (`group`));

-- case: names_holding_quotes
-- before
CREATE TABLE `we``ird` (id INT AUTO_INCREMENT PRIMARY KEY, `a``b` VARCHAR(10), `old``col` INT);
-- after
CREATE TABLE `we``ird` (id INT AUTO_INCREMENT PRIMARY KEY, `a``b` VARCHAR(10) NOT NULL DEFAULT 'x', `q``` VARCHAR(10), `it's "x"` INT, KEY `ix ``q``` (`q```));
-- args: --no-rename

-- case: boolean_default_false
-- before
CREATE TABLE features (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL);
-- after
CREATE TABLE features (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, enabled BOOLEAN NOT NULL DEFAULT FALSE, UNIQUE KEY features_name (name));

-- case: new_table_referenced_by_existing
-- before
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB;
-- after
CREATE TABLE brands (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, UNIQUE KEY brands_name (name)) ENGINE=InnoDB;
CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, brand_id INT, KEY products_brand (brand_id),
  CONSTRAINT products_brand_fk FOREIGN KEY (brand_id) REFERENCES brands (id)) ENGINE=InnoDB;

-- case: auto_increment_start_value
-- before
CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB;
-- after
CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB AUTO_INCREMENT=1000;
