# bash completion for strata(1)                              -*- shell-script -*-
#
# Install: copy to /usr/share/bash-completion/completions/strata, or
#          source it from ~/.bashrc.
# Standalone: needs only bash >= 4 (does not require the bash-completion
# package).  Migration versions (for --to, stamp, accept) are obtained by
# running `strata migrate status --json`; if that fails, nothing is offered.
# `chunk` and `tokens` complete their options, the names their options take
# (strategies, units, tokenizers, formats) and file names.  `ingest`,
# `collections` and `documents` complete their options and subcommands;
# collection names and document sources are obtained by running
# `strata collections --json` and `strata documents --json` (with any --store
# and --collection given on the line; STRATA_STORE is read by strata itself).
# If that fails (no store yet), nothing is offered.  Needs awk for the JSON.
# `embed` completes its options, providers, known models, variable names for
# --api-key-env, collection names, and files after --jsonl.  `search`, `ask`
# and `logs` complete their options and the values of --mode, --provider,
# --model and --collection; the query or question is free text.

# Print the versions of migrations whose state matches the extended regex $1,
# one per line.  Remaining arguments are database/dir/table options to pass
# through to `strata migrate`.
_strata_versions()
{
    local states=$1 cmd=$2
    shift 2
    local json obj
    command -v -- "$cmd" >/dev/null 2>&1 || return 0
    json=$("$cmd" migrate "$@" status --json 2>/dev/null </dev/null) || [[ -n $json ]] || return 0
    # One migration object per line; objects inside "migrations" are flat.
    printf '%s\n' "$json" | tr -d '\n' | grep -o '{[^{}]*}' 2>/dev/null |
        while IFS= read -r obj; do
            [[ $obj =~ \"state\"[[:space:]]*:[[:space:]]*\"($states)\" ]] || continue
            [[ $obj =~ \"version\"[[:space:]]*:[[:space:]]*\"?([0-9]+) ]] || continue
            printf '%s\n' "${BASH_REMATCH[1]}"
        done
}

# _strata_json_strings FIELD: read JSON Lines on stdin and print the value of
# the top-level string member FIELD of each object, one a line.  Values that
# cannot be shown on one line (control characters, \u escapes outside ASCII)
# are left out; members of nested objects (metadata) are not looked at.
_strata_json_strings()
{
    awk -v f="$1" '
        function hexval(h,   k, v) {
            v = 0
            for (k = 1; k <= 4; k++) v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
            return v
        }
        function jstr(   out, c, code) {
            out = ""; i++
            while (i <= n) {
                c = substr(s, i, 1)
                if (c == "\"") { i++; return out }
                if (c == "\\") {
                    c = substr(s, i + 1, 1); i += 2
                    if (c == "\"" || c == "\\" || c == "/") out = out c
                    else if (c == "u") {
                        code = hexval(tolower(substr(s, i, 4))); i += 4
                        if (code < 32 || code > 126) bad = 1; else out = out sprintf("%c", code)
                    } else bad = 1
                } else if (match(substr(s, i), /^[^"\\]+/)) {
                    out = out substr(s, i, RLENGTH); i += RLENGTH
                } else i++
            }
            bad = 1
            return out
        }
        {
            s = $0; n = length(s); i = 1; depth = 0
            while (i <= n) {
                c = substr(s, i, 1)
                if (c == "\"") {
                    bad = 0; v = jstr()
                    if (depth != 1) continue
                    while (substr(s, i, 1) ~ /[ \t]/) i++
                    if (substr(s, i, 1) != ":") continue
                    i++
                    if (v != f) continue
                    while (substr(s, i, 1) ~ /[ \t]/) i++
                    if (substr(s, i, 1) != "\"") next
                    bad = 0; v = jstr()
                    if (!bad && v != "") print v
                    next
                }
                if (c == "{" || c == "[") depth++
                else if (c == "}" || c == "]") depth--
                i++
            }
        }' 2>/dev/null
}

# _strata_names KIND CMD [OPTION...]: the collection names (KIND=collections)
# or document sources (KIND=documents) in the store, one a line, from
# `CMD KIND --json OPTION...`.  Prints nothing if that fails.
_strata_names()
{
    local kind=$1 cmd=$2 field=name
    shift 2
    [[ $kind == documents ]] && field=source
    command -v -- "$cmd" >/dev/null 2>&1 || return 0
    "$cmd" "$kind" --json "$@" 2>/dev/null </dev/null | _strata_json_strings "$field"
}

# _strata_dequote VAR WORD: set VAR to WORD as the shell would read it
# (a leading quote and backslash escapes removed; enough for completion).
_strata_dequote()
{
    local s=$2 o="" c
    case $s in
        \'*)
            s=${s#\'}
            printf -v "$1" '%s' "${s%\'}"
            return
            ;;
        \"*)
            s=${s#\"}
            s=${s%\"}
            ;;
    esac
    while [[ -n $s ]]; do
        c=${s:0:1}
        s=${s:1}
        if [[ $c == \\ && -n $s ]]; then
            c=${s:0:1}
            s=${s:1}
        fi
        o+=$c
    done
    printf -v "$1" '%s' "$o"
}

# _strata_reply VALUE OPTPREFIX [EXCLUDED...]: set COMPREPLY to the names on
# stdin that start with VALUE (the word being completed, as typed) and are
# not EXCLUDED.  OPTPREFIX is what precedes the value in the word ("--opt=" or
# ""); since readline replaces only the text after the last ':' or '=', the
# candidates are cut there.  Readline quotes them (-o filenames): names may
# hold spaces and quotes.
_strata_reply()
{
    local val full pre name x
    _strata_dequote val "$1"
    local optpre=$2
    shift 2
    full=$optpre$val
    pre=""
    [[ $full == *[:=]* ]] && pre=${full%"${full##*[:=]}"}
    COMPREPLY=()
    compopt -o filenames 2>/dev/null
    while IFS= read -r name; do
        [[ $name == "$val"* ]] || continue
        for x in "$@"; do
            [[ $name == "$x" ]] && continue 2
        done
        full=$optpre$name
        COMPREPLY+=("${full#"$pre"}")
    done
}

_strata()
{
    local IFS=$' \t\n'
    COMPREPLY=()

    # Re-join words that readline split at ':' and '=' (sqlite:app.db,
    # --color=always) so that option arguments are recognised.
    local -a w=()
    local i tok cword=0 join=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        tok=${COMP_WORDS[i]}
        if ((${#w[@]} > 0)) && [[ $tok == ":" || $tok == "=" ]]; then
            w[${#w[@]}-1]+=$tok
            join=1
        elif ((join)); then
            w[${#w[@]}-1]+=$tok
            join=0
        else
            w+=("$tok")
        fi
        ((i == COMP_CWORD)) && cword=$((${#w[@]} - 1))
    done
    # The text readline will replace is the part after the last ':'/'='.
    local rawcur=${COMP_WORDS[COMP_CWORD]}
    [[ $rawcur == ":" || $rawcur == "=" ]] && rawcur=""
    local cur=${w[cword]}
    local prev=""
    ((cword > 0)) && prev=${w[cword-1]}

    local cmd=${w[0]:-strata}
    cmd=${cmd/#\~/$HOME}
    command -v -- "$cmd" >/dev/null 2>&1 || cmd=strata

    # Commands.  To add one (e.g. `embed`): name it here, list its options
    # in an <command>_opts variable below, add its value-taking options to
    # arg_opts, their values to the `valopt` case and a branch to the
    # `case $command` further down (the places are marked "embed:").
    local commands="migrate chunk tokens ingest collections documents embed search ask chat logs mcp config trust"
    local subcommands="new up down redo create drop load diff wait status stamp dump check accept"
    local common_opts="-d --database --dir --table --lock-timeout --schema --wait --wait-timeout --envsub --json -q --quiet --color -h --help"
    local top_opts="-h --help --version --color"
    local chunk_opts="--format --strategy --size --overlap --min-size --unit --tokenizer --separator --separators --compat --lossy --no-tokens --color -h --help"
    local tokens_opts="--ids --decode --truncate --tokenizer --json --color -h --help"
    local ingest_opts="--store --collection --glob --exclude --hidden --no-ignore --follow-links --include-generated --files-from -0 --null --jsonl --id --meta --loader --loader-cmd --loader-timeout --strategy --size --overlap --min-size --unit --tokenizer --rechunk --prune --dry-run --checksum --threads --embed --no-embed --base-url --api-key-env --max-retries --timeout --json -q --quiet -v --verbose --color -h --help"
    local collections_subs="list remove"
    local collections_opts="--store --json -q --quiet --color -h --help"
    local documents_subs="list show remove"
    local documents_opts="--store --collection --json -q --quiet --color -h --help"
    local embed_opts="--store --collection --text --jsonl --provider --model --dimensions --base-url --api-key-env --concurrency --batch-size --batch-tokens --max-input-tokens --max-retries --timeout --strict --switch-model --json -q --quiet --color -h --help"
    local search_opts="--store --collection --mode -k --where --vector-weight --base-url --api-key-env --rerank --rerank-url --rerank-model --rerank-api-key-env --json --explain -v --verbose -q --quiet --color -h --help"
    local ask_opts="--store --collection -k --mode --where --vector-weight --provider --model --base-url --api-key-env --temperature --max-tokens --context-tokens --max-retries --timeout -c --continue --conversation --tools --max-steps -y --yes --no-cache --no-stream --redact --raw --context-only --no-stdin --system --rerank --rerank-url --rerank-model --rerank-api-key-env --json -q --quiet --color -h --help"
    local chat_opts="--store --collection -k --mode --where --vector-weight --provider --model --base-url --api-key-env --temperature --max-tokens --context-tokens --max-retries --timeout --conversation --no-cache --no-stream --redact --raw --system --tools --max-steps -y --yes --rerank --rerank-url --rerank-model --rerank-api-key-env -q --quiet --color -h --help"
    local logs_opts="--store -n --limit --conversation --json -q --quiet --color -h --help"
    local mcp_opts="--store --collection --no-migrate --color -h --help"
    local config_opts="--path --json --color -h --help"
    local trust_opts="--show --list --revoke --json -q --quiet --color -h --help"
    # Options that take a value (next word, or --opt=value).
    local arg_opts="--rename -d --database --dir --table --lock-timeout --schema --wait-timeout --color --to --steps -o --output --baseline --format --strategy --size --overlap --min-size --unit --tokenizer --separator --separators --compat --truncate --store --collection --glob --exclude --files-from --id --meta --loader --loader-cmd --loader-timeout --threads --text --provider --model --dimensions --base-url --api-key-env --concurrency --batch-size --batch-tokens --max-input-tokens --max-retries --timeout --mode -k --where --vector-weight --temperature --max-tokens --context-tokens --conversation --max-steps --system --rerank-url --rerank-model --rerank-api-key-env -n --limit"

    # Scan words before the cursor: find the command, the subcommand, the
    # options that select the database or the store and collection, and the
    # positional arguments.
    local command="" sub="" npos=0 skip=0 opt val
    local -a passopts=() storeopts=() collopts=() positionals=()
    for ((i = 1; i < cword; i++)); do
        tok=${w[i]}
        if ((skip)); then
            skip=0
            continue
        fi
        case $tok in
            -d | --database | --dir | --table)
                passopts+=("$tok" "${w[i+1]}")
                skip=1
                continue
                ;;
            --database=* | --dir=* | --table=*)
                passopts+=("$tok")
                continue
                ;;
            -d?*)
                passopts+=("$tok")
                continue
                ;;
            --store | --collection)
                _strata_dequote val "${w[i+1]}"
                [[ $tok == --store ]] && storeopts=(--store "${val/#\~\//$HOME/}")
                [[ $tok == --collection ]] && collopts=(--collection "$val")
                skip=1
                continue
                ;;
            --store=*)
                _strata_dequote val "${tok#*=}"
                storeopts=(--store "${val/#\~\//$HOME/}")
                continue
                ;;
            --collection=*)
                _strata_dequote val "${tok#*=}"
                collopts=(--collection "$val")
                continue
                ;;
            --*=*) continue ;;
            -*)
                for opt in $arg_opts; do
                    [[ $tok == "$opt" ]] && skip=1
                done
                continue
                ;;
        esac
        if [[ -z $command ]]; then
            command=$tok
        elif [[ -z $sub && ($command == migrate || $command == collections || $command == documents) ]]; then
            sub=$tok
        else
            ((npos++))
            _strata_dequote val "$tok"
            positionals+=("$val")
        fi
    done

    # Value of an option: "--opt value" or "--opt=value".
    local valopt="" optpre=""
    if [[ $cur == --*=* ]]; then
        valopt=${cur%%=*}
        optpre=$valopt=
    elif [[ $prev == -* && " $arg_opts " == *" $prev "* && $prev != *=* ]]; then
        valopt=$prev
    fi

    if [[ -n $valopt ]]; then
        case $valopt in
            --color)
                mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$rawcur")
                ;;
            -d | --database | -o | --output | --baseline | --store | --files-from)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$rawcur")
                ;;
            --dir)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -d -- "$rawcur")
                ;;
            --format)
                mapfile -t COMPREPLY < <(compgen -W "jsonl json text" -- "$rawcur")
                ;;
            --strategy)
                local strategies="fixed recursive paragraph sentence markdown token"
                [[ $command == ingest ]] && strategies="auto $strategies"
                mapfile -t COMPREPLY < <(compgen -W "$strategies" -- "$rawcur")
                ;;
            --unit)
                mapfile -t COMPREPLY < <(compgen -W "chars bytes tokens" -- "$rawcur")
                ;;
            --tokenizer)
                mapfile -t COMPREPLY < <(compgen -W "cl100k_base o200k_base" -- "$rawcur")
                ;;
            --compat)
                mapfile -t COMPREPLY < <(compgen -W "langchain" -- "$rawcur")
                ;;
            --loader)
                mapfile -t COMPREPLY < <(compgen -W "text markdown html pdf code docx odt pptx epub man" -- "$rawcur")
                ;;
            --collection)
                _strata_reply "${cur#"$optpre"}" "$optpre" \
                    < <(_strata_names collections "$cmd" "${storeopts[@]}")
                ;;
            --to)
                local states="pending"
                [[ $sub == down ]] && states="applied|modified"
                mapfile -t COMPREPLY < <(compgen -W "$(_strata_versions "$states" "$cmd" "${passopts[@]}")" -- "$rawcur")
                ;;
            --provider)
                if [[ $command == ask || $command == chat ]]; then
                    mapfile -t COMPREPLY < <(compgen -W "openai anthropic none" -- "$rawcur")
                else
                    mapfile -t COMPREPLY < <(compgen -W "local openai" -- "$rawcur")
                fi
                ;;
            --mode)
                mapfile -t COMPREPLY < <(compgen -W "keyword vector hybrid" -- "$rawcur")
                ;;
            --model)
                if [[ $command == ask || $command == chat ]]; then
                    # Chat models; any other name works too.
                    mapfile -t COMPREPLY < <(compgen -W "gpt-4o-mini gpt-4o gpt-4.1 gpt-4.1-mini o4-mini claude-3-5-haiku-latest claude-sonnet-4-5 llama3.2 qwen2.5 mistral" -- "$rawcur")
                else
                    # The models strata knows the limits of; any other name works too.
                    mapfile -t COMPREPLY < <(compgen -W "hash-ngram-v2 hash-ngram-v1 text-embedding-3-small text-embedding-3-large text-embedding-ada-002 nomic-embed-text mxbai-embed-large all-minilm bge-m3 snowflake-arctic-embed" -- "$rawcur")
                fi
                ;;
            --api-key-env)
                # Names of environment variables, never their values.
                mapfile -t COMPREPLY < <(compgen -e -- "$rawcur")
                ;;
        esac
        # --table, --lock-timeout, --steps, --size, --overlap, --min-size, --separator(s),
        # --truncate, --glob, --exclude, --meta, --id, --threads, --text,
        # --dimensions, --base-url, --concurrency, --batch-size, --batch-tokens,
        # --max-input-tokens, --max-retries, --timeout, -k, --where, --vector-weight,
        # --temperature, --max-tokens, --context-tokens, --conversation, -n,
        # --limit: free-form values.
        return 0
    fi

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$top_opts" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        fi
        return 0
    fi

    case $command in
        chunk | tokens | ingest)
            if [[ $cur == -* ]]; then
                local opts=$chunk_opts
                [[ $command == tokens ]] && opts=$tokens_opts
                [[ $command == ingest ]] && opts=$ingest_opts
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
            else
                # Files to read (ingest: and folders, compgen -f lists
                # both); "-" is standard input.
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return 0
            ;;
        collections | documents)
            local subs=$collections_subs opts=$collections_opts
            if [[ $command == documents ]]; then
                subs=$documents_subs
                opts=$documents_opts
                [[ $sub == show ]] && opts="$opts --text"
            fi
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
                return 0
            fi
            if [[ -z $sub ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
                return 0
            fi
            case $command:$sub in
                collections:remove)
                    ((npos == 0)) &&
                        _strata_reply "$cur" "" < <(_strata_names collections "$cmd" "${storeopts[@]}")
                    ;;
                documents:show)
                    ((npos == 0)) &&
                        _strata_reply "$cur" "" < <(_strata_names documents "$cmd" "${storeopts[@]}" "${collopts[@]}")
                    ;;
                documents:remove)
                    # Several sources; those already given are not offered.
                    _strata_reply "$cur" "" "${positionals[@]}" \
                        < <(_strata_names documents "$cmd" "${storeopts[@]}" "${collopts[@]}")
                    ;;
                collections:list | documents:list)
                    # No positional arguments: offer the options.
                    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
                    ;;
            esac
            return 0
            ;;
        embed)
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$embed_opts" -- "$cur")
            elif [[ " ${w[*]:1:cword-1} " == *" --jsonl "* ]]; then
                # --jsonl reads a file ('-' or none: standard input).
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            # Otherwise the only argument is '-' (standard input as one text).
            return 0
            ;;
        search)
            # The query is free text: only options are completed.
            [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "$search_opts" -- "$cur")
            return 0
            ;;
        ask | chat | logs | mcp | config)
            if [[ $cur == -* ]]; then
                local o=${command}_opts
                mapfile -t COMPREPLY < <(compgen -W "${!o}" -- "$cur")
            elif [[ $command == logs && $prev == logs ]]; then
                # logs show ID: one call whole.
                mapfile -t COMPREPLY < <(compgen -W "show" -- "$cur")
            fi
            # ask's only argument is the question, chat has none: nothing to complete.
            return 0
            ;;
        trust)
            # The only argument is the project's folder.
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$trust_opts" -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            fi
            return 0
            ;;
        migrate) ;;
        *) return 0 ;;
    esac

    if [[ -z $sub ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$common_opts" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
        fi
        return 0
    fi

    local sub_opts=""
    case $sub in
        new) sub_opts="" ;;
        up) sub_opts="--to --steps --atomic --dry-run --show-values --allow-out-of-order --resume" ;;
        down) sub_opts="--steps --to --all --dry-run --show-values" ;;
        redo) sub_opts="--steps --dry-run --show-values" ;;
        create) sub_opts="" ;;
        drop) sub_opts="-y --yes" ;;
        load) sub_opts="" ;;
        diff) sub_opts="--to --rename --no-rename --concurrently --dry-run" ;;
        wait) sub_opts="" ;;
        status) sub_opts="" ;;
        stamp) sub_opts="" ;;
        dump) sub_opts="-o --output" ;;
        check) sub_opts="--drift --roundtrip --strict -v --verbose --baseline --no-baseline --write-baseline" ;;
        accept) sub_opts="--all" ;;
        *) return 0 ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$sub_opts $common_opts" -- "$cur")
        return 0
    fi

    case $sub in
        stamp)
            ((npos == 0)) &&
                mapfile -t COMPREPLY < <(compgen -W "$(_strata_versions "pending" "$cmd" "${passopts[@]}")" -- "$cur")
            ;;
        accept)
            ((npos == 0)) &&
                mapfile -t COMPREPLY < <(compgen -W "$(_strata_versions "modified" "$cmd" "${passopts[@]}")" -- "$cur")
            ;;
        new) ;;
        load)
            ((npos == 0)) && mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
        diff) ;;
        *)
            # No positional arguments: offer the options.
            mapfile -t COMPREPLY < <(compgen -W "$sub_opts" -- "$cur")
            ;;
    esac
    return 0
}

complete -F _strata strata
