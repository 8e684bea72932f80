#!/usr/bin/env bash
# End-to-end tests of `strata ingest https://...` against certificates that do not verify: each
# is one clear line naming the page and the certificate's problem, nothing is sent to the server
# (no request gets past the handshake), and the other pages of the run go on (exit 8; exit 3
# when every page failed). With --crawl (when this build has it) a site whose certificate does
# not verify fails alone and the crawl of another site in the same run goes on.
#
# The certificates are made at test time by `openssl req`/`openssl x509`: a test CA; a page
# certificate it signed for 127.0.0.1 (the control: it must be fetched); one it signed for another
# name (wrong.example); one it signed that has expired; and a self-signed one for 127.0.0.1.
# tests/servers/tls_site.py serves each on a port of 127.0.0.1, and a port that accepts and never
# answers (the handshake stalls): with --page-timeout (when this build has it) that and a slow page
# each fail alone, in time.
#
# The script runs inside a user, network and mount namespace of its own (`unshare -rnm`, then
# `ip link set lo up`): only a loopback interface exists, and there the test CA is bind-mounted
# over the system's CA bundle (/etc/ssl/certs/ca-certificates.crt, which libcurl reads), so the
# CA is trusted by this test alone and the wrong-name and expired certificates fail for their
# own reasons, not for an unknown issuer. Where namespaces are unavailable the cases that need
# the trusted CA are skipped, saying so (SKIP); the self-signed ones run.
#
# Usage: bash tests/e2e/ingest_tls.sh /path/to/strata
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${STRATA_TLS_NETNS:-}" ]; then
    if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 && unshare -rnm true 2>/dev/null; then
        export STRATA_TLS_NETNS=1
        exec unshare -rnm bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
    fi
    export STRATA_TLS_NETNS=0
fi
. "$HERE/lib.sh"
e2e_init ingest_tls "$@"

S() { strata_t "$@"; }
q() { db_q "$1" "$2"; }

# --- certificates ---------------------------------------------------------------------------
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
# signed NAME SAN DAYS: NAME.pem/NAME.key, signed by the test CA (DAYS -1: expired a day ago)
signed() {
    key "$1.key"
    openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" &&
        printf 'subjectAltName=%s\n' "$2" >"$1.ext" &&
        openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$3" -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=strata test CA" -days 2 -out ca.pem
signed good IP:127.0.0.1 2
signed wrongname DNS:wrong.example 2
signed expired IP:127.0.0.1 -1
key self.key
openssl req -x509 -new -key self.key -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 -out self.pem
for f in ca good wrongname expired self; do
    [ -s "$f.pem" ] || { echo "ingest_tls: openssl did not make $f.pem" >&2; exit 1; }
done

TRUSTED=0
if [ "$STRATA_TLS_NETNS" = 1 ] && mount --bind "$PWD/ca.pem" /etc/ssl/certs/ca-certificates.crt 2>mount.err; then
    TRUSTED=1
else
    echo "ingest_tls: NOTE: the test CA could not be made trusted here (no user+network+mount namespace:" \
         "$(head -1 mount.err 2>/dev/null)): the cases that need it are SKIPPED" >&2
fi

mkdir site
python3 "$HERE/../servers/tls_site.py" "$PWD/site" good=good.pem:good.key wrongname=wrongname.pem:wrongname.key \
    expired=expired.pem:expired.key self=self.pem:self.key stall &
e2e_bg $!
for _ in $(seq 100); do
    [ -s site/good.url ] && [ -s site/wrongname.url ] && [ -s site/expired.url ] && [ -s site/self.url ] && [ -s site/stall.url ] && break
    sleep 0.1
done
GOOD=$(cat site/good.url 2>/dev/null)
WRONG=$(cat site/wrongname.url 2>/dev/null)
EXPIRED=$(cat site/expired.url 2>/dev/null)
SELF=$(cat site/self.url 2>/dev/null)
STALL=$(cat site/stall.url 2>/dev/null)
[ -n "$GOOD" ] && [ -n "$WRONG" ] && [ -n "$EXPIRED" ] && [ -n "$SELF" ] && [ -n "$STALL" ] ||
    { echo "ingest_tls: the test sites did not start" >&2; exit 1; }
requests_of() { if [ -f site/requests ]; then grep -c "^$1 " site/requests; else echo 0; fi; }

# failed_once URL REASON_REGEX: the run printed exactly one line for URL's failure, the URL
# named once on it (not "URL: URL: ..."), and REASON_REGEX on that line.
failed_once() {
    local lines
    lines=$(grep -F "failed: $1" "$E2E_TMP/.err")
    assert_eq 1 "$(printf '%s\n' "$lines" | grep -c .)" "one line for $1"
    if printf '%s\n' "$lines" | grep -Eq "failed: $1: $2\$"; then
        pass "$1: $2"
    else
        fail "the failure of $1 does not read 'failed: $1: $2': $lines"
    fi
}

case_ "a self-signed certificate: one clear line, nothing sent past the handshake, exit 3"
expect_exit 3 -- S ingest --store self.db --allow-private "$SELF/page.html"
failed_once "$SELF/page.html" "SSL certificate problem: self-signed certificate"
expect_output_match "0 new, 0 changed, 0 unchanged, 0 removed, 1 failed"
assert_eq 0 "$(requests_of self)" "no request reached the self-signed site"
assert_eq 0 "$(q self.db "SELECT count(*) FROM documents")" "nothing stored"

case_ "the control: a certificate the (test) CA signed for 127.0.0.1 is fetched"
if [ "$TRUSTED" = 1 ]; then
    expect_exit 0 -- S ingest --store good.db --allow-private "$GOOD/page.html"
    assert_eq 1 "$(q good.db "SELECT count(*) FROM documents WHERE source = '$GOOD/page.html'")" "the page is stored"
    expect_exit 0 -- S search --store good.db vermilion
    expect_stdout_match "$GOOD/page.html:[0-9]+(-[0-9]+)?[[:space:]]"
    assert_eq 1 "$(requests_of good)" "one request reached the good site"
else
    skip "the test CA is not trusted here"
fi

case_ "a certificate for another name, signed by a trusted CA: refused, one line"
if [ "$TRUSTED" = 1 ]; then
    expect_exit 3 -- S ingest --store wrong.db --allow-private "$WRONG/page.html"
    failed_once "$WRONG/page.html" "SSL: no alternative certificate subject name matches target host name '127\.0\.0\.1'"
    assert_eq 0 "$(requests_of wrongname)" "no request reached the wrong-name site"
else
    skip "the test CA is not trusted here"
fi

case_ "an expired certificate, signed by a trusted CA: refused, one line"
if [ "$TRUSTED" = 1 ]; then
    expect_exit 3 -- S ingest --store expired.db --allow-private "$EXPIRED/page.html"
    failed_once "$EXPIRED/page.html" "SSL certificate problem: certificate has expired"
    assert_eq 0 "$(requests_of expired)" "no request reached the expired site"
else
    skip "the test CA is not trusted here"
fi

case_ "bad certificates among good pages: each fails alone, the others are stored (exit 8)"
if [ "$TRUSTED" = 1 ]; then
    expect_exit 8 -- S ingest --store mixed.db --allow-private "$SELF/page.html" "$GOOD/page.html" "$WRONG/page.html" \
        "$GOOD/other.html" "$EXPIRED/page.html"
    failed_once "$SELF/page.html" "SSL certificate problem: self-signed certificate"
    failed_once "$WRONG/page.html" "SSL: no alternative certificate subject name matches target host name '127\.0\.0\.1'"
    failed_once "$EXPIRED/page.html" "SSL certificate problem: certificate has expired"
    expect_output_match "2 new, 0 changed, 0 unchanged, 0 removed, 3 failed"
    assert_eq 2 "$(q mixed.db "SELECT count(*) FROM documents WHERE source LIKE '$GOOD/%'")" "both good pages stored"
    assert_eq 000 "$(requests_of self)$(requests_of wrongname)$(requests_of expired)" "no request reached a bad site"
else
    skip "the test CA is not trusted here"
fi

case_ "a server that never completes the handshake and a slow page: each bounded by --page-timeout, one line"
if ! "$STRATA" ingest --help 2>/dev/null | grep -q -- '--page-timeout'; then
    skip "this build has no ingest --page-timeout (its fixed 60 s a request is too long for a test)"
elif [ "$TRUSTED" = 1 ]; then
    expect_exit 8 -- S ingest --store slow.db --allow-private --page-timeout 1 "$STALL/page.html" "$GOOD/slow" "$GOOD/page.html"
    failed_once "$STALL/page.html" "timed out \(.*\)"
    failed_once "$GOOD/slow" "timed out \(.*\)"
    assert_eq 1 "$(q slow.db "SELECT count(*) FROM documents WHERE source = '$GOOD/page.html'")" "the page that answered is stored"
    assert_eq 0 "$(q slow.db "SELECT count(*) FROM documents WHERE source = '$GOOD/slow'")" "the slow page is not"
else
    expect_exit 3 -- S ingest --store slow.db --allow-private --page-timeout 1 "$STALL/page.html"
    failed_once "$STALL/page.html" "timed out \(.*\)"
fi

case_ "--crawl: a site whose certificate does not verify fails alone, the crawl of another goes on"
if ! "$STRATA" ingest --help 2>/dev/null | grep -q -- '--crawl'; then
    skip "this build has no ingest --crawl"
else
    expect_exit 3 -- S ingest --store crawl-self.db --allow-private --crawl "$SELF/"
    expect_output_match "$SELF/.*SSL certificate problem: self-signed certificate"
    assert_eq 0 "$(requests_of self)" "no request reached the self-signed site"
    if [ "$TRUSTED" = 1 ]; then
        expect_exit 8 -- S ingest --store crawl.db --allow-private --crawl "$EXPIRED/" "$GOOD/"
        expect_output_match "$EXPIRED/.*SSL certificate problem: certificate has expired"
        assert_eq 3 "$(q crawl.db "SELECT count(*) FROM documents WHERE source LIKE '$GOOD/%'")" \
            "the good site's three pages are stored"
        assert_eq 0 "$(requests_of expired)" "no request reached the expired site"
    else
        skip "the test CA is not trusted here: the crawl of a good site beside a bad one did not run"
    fi
fi

e2e_finish
