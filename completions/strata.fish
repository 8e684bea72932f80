# fish completion for strata(1)
# Install: copy to ~/.config/fish/completions/strata.fish or
#          /usr/share/fish/vendor_completions.d/strata.fish
# Migration versions (for --to, stamp, accept) are obtained by running
# `strata migrate status --json`; if that fails, nothing is offered.
# `chunk` and `tokens` complete their options, the names the options take and
# file names.

set -g __strata_migrate_subcommands new up down redo status stamp dump check accept

# Prints the command: the first word that is not an option or an option's value (nothing when
# none has been given yet).
function __strata_first_command
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l skip 0
    for t in $toks
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --color
                set skip 1
            case '-*'
            case '*'
                echo $t
                return
        end
    end
end

# True when no command has been given yet.
function __strata_needs_command
    set -l cmd (__strata_first_command)
    test -z "$cmd"
end

# __strata_command CMD: true when the command is CMD.
function __strata_command
    set -l cmd (__strata_first_command)
    test "$cmd" = "$argv[1]"
end

# __strata_migrate_sub: true when `migrate` was given and no subcommand yet.
# __strata_migrate_sub SUB: true when the migrate subcommand is SUB.
function __strata_migrate_sub
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l skip 0
    set -l words
    for t in $toks
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case -d --database --dir --table --lock-timeout --color --to --steps -o --output
                set skip 1
            case '-*'
            case '*'
                set -a words $t
        end
    end
    test "$words[1]" = migrate; or return 1
    if test (count $argv) -eq 0
        test (count $words) -eq 1
        return
    end
    test (count $words) -ge 2; and test "$words[2]" = "$argv[1]"
end

# Versions of migrations whose state matches the regex $argv[1].
function __strata_versions
    set -l states $argv[1]
    set -l toks (commandline -opc)
    set -l cmd $toks[1]
    command -q -- $cmd; or set cmd strata
    command -q -- $cmd; or return 0
    set -l pass
    set -l n (count $toks)
    for i in (seq 2 $n)
        switch $toks[$i]
            case -d --database --dir --table
                if test $i -lt $n
                    set -a pass $toks[$i] $toks[(math $i + 1)]
                end
            case '--database=*' '--dir=*' '--table=*'
                set -a pass $toks[$i]
        end
    end
    set -l json (command $cmd migrate $pass status --json 2>/dev/null </dev/null | string join '')
    test -n "$json"; or return 0
    for obj in (string match -ar '\{[^{}]*\}' -- $json)
        string match -qr '"state"\s*:\s*"('$states')"' -- $obj; or continue
        string match -r --groups-only '"version"\s*:\s*"?([0-9]+)' -- $obj
    end
end

complete -c strata -f

# strata
complete -c strata -n __strata_needs_command -s h -l help -d 'Show help'
complete -c strata -n __strata_needs_command -l version -d 'Show version'
complete -c strata -n __strata_needs_command -a migrate -d 'Create, apply, roll back and verify schema migrations'
complete -c strata -n __strata_needs_command -a chunk -d 'Split documents into chunks with exact byte offsets'
complete -c strata -n __strata_needs_command -a tokens -d 'Count, list, decode or truncate tokens'

# strata migrate: subcommands
complete -c strata -n __strata_migrate_sub -a new -d 'Create a new migration file'
complete -c strata -n __strata_migrate_sub -a up -d 'Apply pending migrations'
complete -c strata -n __strata_migrate_sub -a down -d 'Roll back applied migrations'
complete -c strata -n __strata_migrate_sub -a redo -d 'Roll back and re-apply migrations'
complete -c strata -n __strata_migrate_sub -a status -d 'Show the state of every migration'
complete -c strata -n __strata_migrate_sub -a stamp -d 'Record migrations up to a version as applied'
complete -c strata -n __strata_migrate_sub -a dump -d 'Write the schema of the live database'
complete -c strata -n __strata_migrate_sub -a check -d 'Verify migrations, history and schema'
complete -c strata -n __strata_migrate_sub -a accept -d 'Re-accept checksums of changed migrations'

# strata migrate: options accepted on migrate and on every subcommand
set -l in_migrate '__fish_seen_subcommand_from migrate'
complete -c strata -n $in_migrate -s d -l database -r -F -d 'Database URL or path'
complete -c strata -n $in_migrate -l dir -x -a '(__fish_complete_directories)' -d 'Migrations directory'
complete -c strata -n $in_migrate -l table -x -d 'History table name'
complete -c strata -n $in_migrate -l lock-timeout -x -d 'Seconds to wait for the migration lock'
complete -c strata -n $in_migrate -l json -d 'Machine-readable output'
complete -c strata -n $in_migrate -s q -l quiet -d 'Only print errors'
complete -c strata -n $in_migrate -l color -x -a 'auto always never' -d 'When to use colour'
complete -c strata -n $in_migrate -s h -l help -d 'Show help'

# up
complete -c strata -n '__strata_migrate_sub up' -l to -x -a '(__strata_versions pending)' -d 'Apply up to and including version'
complete -c strata -n '__strata_migrate_sub up' -l steps -x -d 'Apply at most N migrations'
complete -c strata -n '__strata_migrate_sub up' -l atomic -d 'Whole batch in one transaction'
complete -c strata -n '__strata_migrate_sub up' -l dry-run -d 'Print the SQL without running it'
complete -c strata -n '__strata_migrate_sub up' -l allow-out-of-order -d 'Also apply migrations older than the newest applied'
complete -c strata -n '__strata_migrate_sub up' -l resume -d 'Continue a partial transaction:false migration'

# down
complete -c strata -n '__strata_migrate_sub down' -l steps -x -d 'Roll back N migrations'
complete -c strata -n '__strata_migrate_sub down' -l to -x -a '(__strata_versions "applied|modified")' -d 'Roll back everything newer than version'
complete -c strata -n '__strata_migrate_sub down' -l all -d 'Roll back every applied migration'
complete -c strata -n '__strata_migrate_sub down' -l dry-run -d 'Print the SQL without running it'

# redo
complete -c strata -n '__strata_migrate_sub redo' -l steps -x -d 'Redo N migrations'
complete -c strata -n '__strata_migrate_sub redo' -l dry-run -d 'Print the SQL without running it'

# stamp V
complete -c strata -n '__strata_migrate_sub stamp' -x -a '(__strata_versions pending)'

# dump
complete -c strata -n '__strata_migrate_sub dump' -s o -l output -r -F -d 'Write the schema to FILE instead of stdout'

# check
complete -c strata -n '__strata_migrate_sub check' -l drift -d 'Compare live schema with replayed migrations'
complete -c strata -n '__strata_migrate_sub check' -l roundtrip -d 'Verify that down undoes up'
complete -c strata -n '__strata_migrate_sub check' -l strict -d 'Treat warnings as errors'

# accept (V | --all)
complete -c strata -n '__strata_migrate_sub accept' -x -a '(__strata_versions modified)'
complete -c strata -n '__strata_migrate_sub accept' -l all -d 'Accept every changed applied migration'

# strata chunk [FILE...|-]
set -l in_chunk '__strata_command chunk'
complete -c strata -n $in_chunk -F
complete -c strata -n $in_chunk -l format -x -a 'jsonl json text' -d 'Output format'
complete -c strata -n $in_chunk -l strategy -x -a 'fixed recursive paragraph sentence markdown token' -d 'How to split'
complete -c strata -n $in_chunk -l size -x -d 'Largest chunk, in --unit (default 1000)'
complete -c strata -n $in_chunk -l overlap -x -d 'Most of a chunk repeated at the next (default 0)'
complete -c strata -n $in_chunk -l unit -x -a 'chars bytes tokens' -d 'What --size and --overlap count'
complete -c strata -n $in_chunk -l tokenizer -x -a 'cl100k_base o200k_base' -d 'Tokenizer for token counts'
complete -c strata -n $in_chunk -l separator -x -d 'Recursive separator, repeatable'
complete -c strata -n $in_chunk -l separators -x -d 'Recursive separators as a JSON array'
complete -c strata -n $in_chunk -l compat -x -a langchain -d 'Reproduce another splitter'
complete -c strata -n $in_chunk -l lossy -d 'Replace invalid UTF-8 with U+FFFD'
complete -c strata -n $in_chunk -l no-tokens -d 'Leave out the tokens field'
complete -c strata -n $in_chunk -l color -x -a 'auto always never' -d 'When to use colour'
complete -c strata -n $in_chunk -s h -l help -d 'Show help'

# strata tokens [FILE...|-]
set -l in_tokens '__strata_command tokens'
complete -c strata -n $in_tokens -F
complete -c strata -n $in_tokens -l ids -d 'Print the token ids'
complete -c strata -n $in_tokens -l decode -d 'Turn token ids back into text'
complete -c strata -n $in_tokens -l truncate -x -d 'Cut the input to N tokens at a character boundary'
complete -c strata -n $in_tokens -l tokenizer -x -a 'cl100k_base o200k_base' -d 'Encoding'
complete -c strata -n $in_tokens -l json -d 'Machine-readable output'
complete -c strata -n $in_tokens -l color -x -a 'auto always never' -d 'When to use colour'
complete -c strata -n $in_tokens -s h -l help -d 'Show help'
