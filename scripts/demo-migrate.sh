#!/usr/bin/env bash
# The migration walk-through: installs what is missing, builds strata, then works through a
# migration project in a scratch directory: new, up, status, check, down.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
strata=${BUILD_DIR:-$root/build}/strata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export DATABASE_URL="sqlite:app.db"

bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

step "$strata" --version
users=$(step "$strata" migrate new create_users_table | tail -1)
cat > "$users" <<'SQL'
-- migrate:up
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:down
DROP TABLE users;
SQL
sleep 1  # versions are timestamps with one-second resolution
orders=$(step "$strata" migrate new create_orders_table | tail -1)
cat > "$orders" <<'SQL'
-- migrate:up
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped'))
);
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- migrate:down
DROP TABLE orders;
SQL
step "$strata" migrate status
step "$strata" migrate check || true   # exit 1: pending migrations
step "$strata" migrate up --dry-run
step "$strata" migrate up
step "$strata" migrate status
step "$strata" migrate check --drift --roundtrip
step "$strata" migrate dump
step "$strata" migrate down
step "$strata" migrate status
echo
echo "demo finished: every step above ran against $work/app.db"
