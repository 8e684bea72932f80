# bash completion for strata(1)                              -*- shell-script -*-
#
# Install: copy to /usr/share/bash-completion/completions/strata, or
#          source it from ~/.bashrc.
# Standalone: needs only bash >= 4 (does not require the bash-completion
# package).  Migration versions (for --to, stamp, accept) are obtained by
# running `strata migrate status --json`; if that fails, nothing is offered.
# `chunk` and `tokens` complete their options, the names their options take
# (strategies, units, tokenizers, formats) and file names.

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

    local commands="migrate chunk tokens"
    local subcommands="new up down redo status stamp dump check accept"
    local common_opts="-d --database --dir --table --lock-timeout --json -q --quiet --color -h --help"
    local top_opts="-h --help --version"
    local chunk_opts="--format --strategy --size --overlap --unit --tokenizer --separator --separators --compat --lossy --no-tokens --color -h --help"
    local tokens_opts="--ids --decode --truncate --tokenizer --json --color -h --help"
    # Options that take a value (next word, or --opt=value).
    local arg_opts="-d --database --dir --table --lock-timeout --color --to --steps -o --output --format --strategy --size --overlap --unit --tokenizer --separator --separators --compat --truncate"

    # Scan words before the cursor: find the command, the subcommand, the
    # options that select the database, and the number of positionals.
    local command="" sub="" npos=0 skip=0 opt
    local -a passopts=()
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
        elif [[ $command == migrate && -z $sub ]]; then
            sub=$tok
        else
            ((npos++))
        fi
    done

    # Value of an option: "--opt value" or "--opt=value".
    local valopt=""
    if [[ $cur == --*=* ]]; then
        valopt=${cur%%=*}
    elif [[ $prev == -* && " $arg_opts " == *" $prev "* && $prev != *=* ]]; then
        valopt=$prev
    fi

    if [[ -n $valopt ]]; then
        case $valopt in
            --color)
                mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$rawcur")
                ;;
            -d | --database | -o | --output)
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
                mapfile -t COMPREPLY < <(compgen -W "fixed recursive paragraph sentence markdown token" -- "$rawcur")
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
            --to)
                local states="pending"
                [[ $sub == down ]] && states="applied|modified"
                mapfile -t COMPREPLY < <(compgen -W "$(_strata_versions "$states" "$cmd" "${passopts[@]}")" -- "$rawcur")
                ;;
        esac
        # --table, --lock-timeout, --steps, --size, --overlap, --separator(s),
        # --truncate: free-form values.
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
        chunk | tokens)
            if [[ $cur == -* ]]; then
                local opts=$chunk_opts
                [[ $command == tokens ]] && opts=$tokens_opts
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
            else
                # Files to read; "-" is standard input.
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
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
        up) sub_opts="--to --steps --atomic --dry-run --allow-out-of-order --resume" ;;
        down) sub_opts="--steps --to --all --dry-run" ;;
        redo) sub_opts="--steps --dry-run" ;;
        status) sub_opts="" ;;
        stamp) sub_opts="" ;;
        dump) sub_opts="-o --output" ;;
        check) sub_opts="--drift --roundtrip --strict" ;;
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
        *)
            # No positional arguments: offer the options.
            mapfile -t COMPREPLY < <(compgen -W "$sub_opts" -- "$cur")
            ;;
    esac
    return 0
}

complete -F _strata strata
