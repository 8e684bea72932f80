#!/bin/bash
# Runs inside the clean Debian 12 root that scripts/package-test.sh made, from /root/pkg with the
# .deb beside it: installs it with apt, then checks what a user would touch first.
# Prints "package: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd /root/pkg
export DEBIAN_FRONTEND=noninteractive MANWIDTH=80 PAGER=cat MANPAGER=cat

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "   ok: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL package: $*"; }
# check LABEL CMD...: CMD must succeed; its output is shown when it does not.
check() {
    local label=$1
    shift
    if "$@" >out 2>err; then pass "$label"; else fail "$label (exit $?)"; sed 's/^/      | /' out err; fi
}

apt-get update -qq || { echo "package: error: apt-get update failed in the root" >&2; exit 1; }

# The test command's packages on a fresh Debian 12: `install-deps.sh --test --list`
# (test-deps-list) must resolve from Debian's archive alone (simulated: nothing is downloaded),
# and what is in this root, with what they bring, must hold every package whose commands the
# tests call (test-deps-needed, from scripts/check-test-deps.py on the host).
# shellcheck disable=SC2046
if apt-get install -s --no-install-recommends $(cat test-deps-list) >test-deps.log 2>&1; then
    pass "scripts/install-deps.sh --test's packages resolve from Debian 12 alone"
    fresh=$( (dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }'
              awk '$1 == "Inst" { print $2 }' test-deps.log) | sed 's/:.*//' | sort -u)
    missing=$(sort -u test-deps-needed | comm -23 - <(printf '%s\n' "$fresh"))
    if [ -z "$missing" ]; then
        pass "a fresh Debian 12 with them has the package of every command the tests call ($(wc -l <test-deps-needed))"
    else
        fail "the tests call commands from packages a fresh Debian 12 with install-deps.sh --test lacks: $(printf '%s\n' "$missing" | tr '\n' ' ')"
    fi
else
    fail "apt-get install -s of scripts/install-deps.sh --test's packages"
    sed 's/^/      | /' test-deps.log | tail -20
fi

# man-db first, as on any system with manuals: its trigger then indexes strata's pages.
apt-get install -y -qq --no-install-recommends man-db >/dev/null ||
    { echo "package: error: cannot install man-db in the root" >&2; exit 1; }
deb=$(echo strata_*.deb)
if apt-get install -y --no-install-recommends "./$deb" >apt.log 2>&1; then
    pass "apt-get install ./$deb resolves its Depends from Debian 12 alone"
else
    fail "apt-get install ./$deb"
    sed 's/^/      | /' apt.log
    echo "package: $PASSED passed, $FAILED failed"
    exit 1
fi

check "strata --version" strata --version
grep -q '^strata ' out || fail "strata --version printed: $(cat out)"
echo "      $(cat out)"

# Every page the package installed, by name as a user asks for it, with groff's warnings on.
pages=$(dpkg -L strata | grep -E '/share/man/man[1-8]/[^/]+\.[1-8]\.gz$' || true)
[ -n "$pages" ] || fail "the package installs no man page"
for page in $pages; do
    name=$(basename "$page" .gz)
    section=${name##*.}
    topic=${name%.*}
    if man --warnings -E UTF-8 "$section" "$topic" >out 2>err && [ ! -s err ] && grep -q '^NAME' out; then
        pass "man $section $topic renders without a warning"
    else
        fail "man --warnings $section $topic"
        sed 's/^/      | /' err
    fi
done
check "whatis strata (man-db indexed the pages)" whatis strata

for f in /usr/share/bash-completion/completions/strata /usr/share/zsh/vendor-completions/_strata \
         /usr/share/fish/vendor_completions.d/strata.fish; do
    if [ -s "$f" ]; then pass "completion installed: $f"; else fail "completion missing: $f"; fi
done
check "the bash completion registers for strata" \
    bash -c '. /usr/share/bash-completion/completions/strata && complete -p strata'

# End to end in a scratch directory: stdin, a PDF and a .docx (the modules, poppler, libzip and
# libxml2 load).
mkdir -p /tmp/e2e && cd /tmp/e2e
check "printf 'hello world' | strata ingest - --store s.db" \
    bash -c "printf 'hello world\n' | strata ingest - --store s.db"
check "strata search hello --store s.db" strata search hello --store s.db
grep -q 'hello world' out || fail "strata search hello found no 'hello world': $(cat out)"
check "strata ingest two_pages.pdf" strata ingest /root/pkg/two_pages.pdf --store s.db
check "strata search 'second page' finds the PDF" strata search "second page" --store s.db
grep -q 'two_pages.pdf' out || fail "strata search 'second page' did not find the PDF: $(cat out)"
check "strata ingest sample.docx" strata ingest /root/pkg/sample.docx --store s.db
check "strata search charlie finds the .docx" strata search charlie --store s.db
grep -q 'sample.docx' out || fail "strata search charlie did not find the .docx: $(cat out)"

# reaches LABEL PATTERN CMD...: CMD, run against a port where nothing listens, must fail on the
# connection (exit 7, its error matching PATTERN), not on a library it could not load: libcurl
# and libpq are dlopen'ed, declared Depends that dpkg-shlibdeps cannot see.
reaches() {
    local label=$1 pattern=$2 rc
    shift 2
    "$@" >out 2>err
    rc=$?
    if [ "$rc" = 7 ] && grep -q -- "$pattern" err && ! grep -q 'cannot load' err; then
        pass "$label (connection refused, exit 7)"
    else
        fail "$label: exit $rc"
        sed 's/^/      | /' err
    fi
}
reaches "strata embed reaches libcurl" 'connection refused' \
    strata embed --text hello --provider openai --base-url http://127.0.0.1:9/v1 --model none --max-retries 0
# libcrypto (dlopen'ed too): `migrate up` on SQLite hashes the migration file with it.
mkdir -p migrations
printf -- '-- migrate:up\nCREATE TABLE t (x INTEGER);\n-- migrate:down\nDROP TABLE t;\n' \
    >migrations/20250101000000_t.sql
check "strata migrate up on SQLite (libcrypto hashes the file)" strata migrate -d sqlite:app.db up
check "strata migrate status shows it applied" strata migrate -d sqlite:app.db status
grep -q '20250101000000' out || fail "strata migrate status does not list the migration: $(cat out)"
reaches "strata migrate reaches libpq" '127.0.0.1' strata migrate -d postgres://strata@127.0.0.1:9/x status
cd /root/pkg

# strata serve's systemd unit: installed, not enabled; its settings file a conffile.
check "the systemd unit strata-serve.service is installed" test -f /usr/lib/systemd/system/strata-serve.service
check "strata-serve.service is not enabled" test ! -e /etc/systemd/system/multi-user.target.wants/strata-serve.service
check "/etc/default/strata-serve is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' strata | grep -q /etc/default/strata-serve"

check "apt-get purge strata" apt-get purge -y -qq strata
left=$(find /usr /etc -path '*strata*' 2>/dev/null | head -5)
if [ -n "$left" ]; then
    fail "files remain after purge: $left"
else
    pass "purge removes every file"
fi

echo "package: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
