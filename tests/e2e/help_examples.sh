#!/usr/bin/env bash
# Every example that `--help` shows must work, so that none can rot: for `strata --help` and
# each command and sub-subcommand's `--help`, there are at least two examples, and each
# `strata ...` in them
#   - parses: the same words with --help appended exit 0 and show the help of the command they
#     name (CLI11 converts and validates every given value before it answers --help), and every
#     --option they use is listed by that command (or a parent on the way);
#   - runs, when it is safe: a first command of its line that needs no server or API key and
#     reads nothing piped in, run for real in a scratch project (store, documents, migrations)
#     that holds everything the examples name: it must exit 0, as it works as shown.
#
# Usage: bash tests/e2e/help_examples.sh /path/to/strata
. "$(dirname "$0")/lib.sh"
e2e_init help_examples "$@"

unset STRATA_STORE XDG_CONFIG_HOME OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL STRATA_LLM_BASE_URL \
    STRATA_LLM_PROVIDER STRATA_LLM_MODEL PGHOST PGDATABASE PGUSER
export HOME="$E2E_TMP/home"
mkdir -p "$HOME"
# Nothing here may reach a network: any HTTP request goes to a closed local port.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
    HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
unset no_proxy NO_PROXY

# The commands: `strata --help` lists the top level, each command's help its subcommands.
subcommands_of() { # HELP -> names listed under "Subcommands:"
    printf '%s\n' "$1" | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && /^  [a-z]/ { sub(/,$/, "", $1); print $1 }'  # "down, rollback": the name
}
commands=("")
top=$("$STRATA" --help)
for c in $(subcommands_of "$top"); do
    commands+=("$c")
    for s in $(subcommands_of "$("$STRATA" "$c" --help)"); do commands+=("$c $s"); done
done
assert_true "found the commands and sub-subcommands (${#commands[@]})" [ ${#commands[@]} -ge 20 ]

is_command() { local c; for c in "${commands[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }

# examples_of HELP: the example lines of a footer, without the trailing explanations.
examples_of() {
    printf '%s\n' "$1" | sed -n '/^Examples\{0,1\}:$/,/^[A-Z]/p' | grep -E '^  [^ ]' |
        sed -E 's/^  //; s/ {3,}[^|]*$//'
}

# A scratch project for the examples that run; each runs in a fresh copy of it.
mkdir -p fixture/docs fixture/migrations fixture/db/init fixture/db/migrations
cd fixture || exit 2
printf '# Intro\n\nHow do I roll back a migration? Run strata migrate down.\n' >docs/intro.md
printf '<html><head><title>Guide</title></head><body><h1>Guide</h1><p>Roll back with strata migrate down.</p></body></html>\n' >guide.html
printf '# Readme\n\nConnection pool and vector search notes.\n' >README.md
printf 'Retention policy: legal keeps records for 7 years.\n' >notes.md
cp notes.md notes.txt && cp notes.md old.md && cp notes.md a.md && cp notes.md b.md
head -c 3000 /dev/zero | tr '\0' 'a' >long.txt
printf '{"id":"r1","text":"C++ templates and retention"}\n' >records.jsonl
printf -- '-- migrate:up\nCREATE TABLE t (id INTEGER);\n-- migrate:down\nDROP TABLE t;\n' >migrations/20260101120000_t.sql
# `--dir db/init --dir db/migrations`: the applied migration and one pending after it.
cp migrations/20260101120000_t.sql db/init/
printf -- '-- migrate:up\nCREATE TABLE settings (k TEXT);\n-- migrate:down\nDROP TABLE settings;\n' \
    >db/migrations/20260101130000_create_settings_table.sql
# `migrate import`: what alembic's offline mode prints for one revision.
printf -- '-- Running upgrade  -> 1975ea83b712\n\nCREATE TABLE account (id INTEGER);\n' >up.sql
printf -- '-- Running downgrade 1975ea83b712 -> \n\nDROP TABLE account;\n' >down.sql
export DATABASE_URL=sqlite:app.db
{
    "$STRATA" ingest docs README.md notes.md old.md guide.html
    "$STRATA" ingest --collection docs docs
    "$STRATA" embed --collection docs  # vectors, for `search --similar`
    "$STRATA" ingest --collection notes old.md a.md b.md
    printf 'from stdin\n' | "$STRATA" ingest --collection notes -
    "$STRATA" ingest --collection drafts notes.md
    "$STRATA" ingest --store team.db --collection drafts notes.md
    "$STRATA" migrate up
    "$STRATA" migrate dump -o schema.sql
    "$STRATA" ask 'what do the notes say?' </dev/null  # offline: logged call 1, for `logs show 1`
    "$STRATA" keys create ci-bot >/dev/null  # for `keys revoke ci-bot`
    # A crawl job of strata serve's queue, for `jobs show` and `jobs cancel`.
    sqlite3 .strata/store.db "INSERT INTO jobs (id, kind, collection, owner, request, status, created_at, revision)
        VALUES ('01a227c34d20991d4ecefa855260cae1', 'crawl', 'web', '', '{}', 'queued', '2026-11-29T14:44:00Z', 1)"
} >setup.log 2>&1 || { cat setup.log; fail "the fixture could not be set up"; }
cd "$E2E_TMP" || exit 2

# `strata serve` runs until a signal: its examples are parsed, not run.
unsafe_re='(--base-url|OPENAI_API_KEY|postgres://|^strata ask( |$)|^strata serve( |$))'
for cmd in "${commands[@]}"; do
    case_ "examples of 'strata${cmd:+ $cmd} --help'"
    # shellcheck disable=SC2086
    help=$("$STRATA" $cmd --help)
    mapfile -t examples < <(examples_of "$help")
    if [ ${#examples[@]} -ge 2 ]; then
        pass "strata $cmd: ${#examples[@]} examples"
    else
        fail "strata $cmd --help shows ${#examples[@]} example(s), want at least 2"
    fi
    for line in "${examples[@]}"; do
        first=1
        IFS='|' read -r -a segments <<<"$line"
        for seg in "${segments[@]}"; do
            seg=$(printf '%s' "$seg" | sed -E 's/^ +//; s/ +$//; s/^([A-Z_]+=[^ ]* )+//; s/^xargs //; s/ [<>] ?[^ ]+//g')
            case "$seg" in strata | strata\ *) ;; *) first=0; continue ;; esac
            # Split as the shell would, globs expanding in the project the example runs in.
            cd fixture || exit 2
            eval "words=($seg)"
            cd "$E2E_TMP" || exit 2
            args=("${words[@]:1}")
            # The command the words name, and the help of each command on the way.
            path="" helps=$top
            for w in "${args[@]}"; do
                if is_command "${path:+$path }$w"; then
                    path="${path:+$path }$w"
                    # shellcheck disable=SC2086
                    helps="$helps
$("$STRATA" $path --help)"
                fi
            done
            run "$STRATA" "${args[@]}" --help
            if [ "$RC" = 0 ] && printf '%s\n' "$OUT" | grep -q "^Usage: strata${path:+ $path}\\b"; then
                pass "parses: $seg"
            else
                fail "example does not parse as 'strata $path' (exit $RC): $seg"
            fi
            for w in "${args[@]}"; do
                case "$w" in --*) ;; *) continue ;; esac
                o=${w%%=*}
                printf '%s\n' "$helps" | grep -qE -- "(^|[ ,])$o([ ,=]|$)" || fail "example uses $o, which 'strata $path --help' does not list: $seg"
            done
            if [ $first = 1 ] && ! printf '%s' "$line" | grep -q '<' && ! printf "%s" "$line" | grep -Eq "$unsafe_re"; then
                rm -rf run && cp -a fixture run && cd run || exit 2
                E2E_CMD_TIMEOUT=120 run "$STRATA" "${args[@]}"
                cd "$E2E_TMP" || exit 2
                if [ "$RC" = 0 ]; then
                    pass "runs: $seg"
                else
                    fail "example does not work as shown (exit $RC; the fixture may lack what it names): $seg"
                fi
            fi
            first=0
        done
    done
done

e2e_finish
