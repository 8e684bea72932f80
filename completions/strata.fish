# fish completion for strata(1)
# Install: copy to ~/.config/fish/completions/strata.fish or
#          /usr/share/fish/vendor_completions.d/strata.fish
# Migration versions (for --to, stamp, accept) are obtained by running
# `strata migrate status --json`; if that fails, nothing is offered.
# `chunk` and `tokens` complete their options, the names the options take and
# file names.  Collection names (--collection, collections remove) and
# document sources (documents show/remove) are obtained by running
# `strata collections --json` and `strata documents --json` with the --store
# and --collection given on the line (STRATA_STORE is read by strata itself);
# if that fails, nothing is offered.  awk reads the JSON.  `search`, `ask` and
# `logs` complete their options and option values; the query or question is
# free text (no files are offered).

set -g __strata_migrate_subcommands new up down redo create drop load diff wait status stamp dump check accept
# Options that take a value, in every command (their values are not arguments).
set -g __strata_value_options -d --database --dir --table --lock-timeout --schema --wait-timeout --color --to --steps -o --output \
    --format --strategy --size --overlap --min-size --unit --tokenizer --separator --separators --compat --truncate \
    --store --collection --glob --exclude --files-from --id --meta --loader --loader-cmd --loader-timeout --threads \
    --text --provider --model --dimensions --base-url --api-key-env --concurrency --batch-size \
    --batch-tokens --max-input-tokens --max-retries --timeout \
    --mode -k --where --temperature --max-tokens --context-tokens --conversation --max-steps -n --limit

# Prints the arguments (the words that are neither options nor option values)
# before the cursor, unescaped, one a line: the command, then its subcommand
# and operands.
function __strata_args
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l skip 0
    for t in $toks
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $t $__strata_value_options
            set skip 1
            continue
        end
        switch $t
            case '-*'
            case '*'
                printf '%s\n' $t
        end
    end
end

# __strata_sub CMD: true when the command is CMD and no subcommand was given.
# __strata_sub CMD SUB [N]: true when the command is CMD and its subcommand
# SUB (and, with N, exactly N operands follow).
function __strata_sub
    set -l args (__strata_args)
    test "$args[1]" = "$argv[1]"; or return 1
    if test (count $argv) -eq 1
        test (count $args) -eq 1
        return
    end
    test "$args[2]" = "$argv[2]"; or return 1
    test (count $argv) -lt 3; or test (count $args) -eq (math $argv[3] + 2)
end

# __strata_names KIND: collection names (KIND=collections) or document
# sources (KIND=documents) in the store, one a line, from `strata KIND --json`
# with the --store (and for documents --collection) given on the line.
# __strata_names documents --new: only sources not already on the line.
function __strata_names
    set -l kind $argv[1]
    set -l field name
    test $kind = documents; and set field source
    set -l toks (commandline -opc)
    set -l cmd $toks[1]
    command -q -- $cmd; or set cmd strata
    command -q -- $cmd; or return 0
    set -l pass
    set -l n (count $toks)
    for i in (seq 2 $n)
        set -l t $toks[$i]
        switch $t
            case --store --collection
                test $t = --collection -a $kind != documents; and continue
                if test $i -lt $n
                    set -a pass $t (string replace -r '^~/' "$HOME/" -- $toks[(math $i + 1)])
                end
            case '--store=*'
                set -a pass --store=(string replace -r '^~/' "$HOME/" -- (string replace -- --store= '' $t))
            case '--collection=*'
                test $kind = documents; and set -a pass $t
        end
    end
    set -l given
    contains -- --new $argv; and set given (__strata_args)
    for name in (command $cmd $kind --json $pass 2>/dev/null </dev/null | __strata_json_strings $field)
        contains -- $name $given[3..-1]; or printf '%s\n' $name
    end
end

# __strata_json_strings FIELD: read JSON Lines on stdin and print the value of
# the top-level string member FIELD of each object, one a line.  Values that
# cannot be shown on one line (control characters, \u escapes outside ASCII)
# are left out; members of nested objects (metadata) are not looked at.
function __strata_json_strings
    command awk -v f=$argv[1] '
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
                if (c == "\\\\") {
                    c = substr(s, i + 1, 1); i += 2
                    if (c == "\"" || c == "\\\\" || c == "/") out = out c
                    else if (c == "u") {
                        code = hexval(tolower(substr(s, i, 4))); i += 4
                        if (code < 32 || code > 126) bad = 1; else out = out sprintf("%c", code)
                    } else bad = 1
                } else if (match(substr(s, i), /^[^"\\\\]+/)) {
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
end

# Prints the command (nothing when none has been given yet).
function __strata_first_command
    set -l args (__strata_args)
    test (count $args) -gt 0; and printf '%s\n' $args[1]
end

# True when no command has been given yet.
function __strata_needs_command
    set -l cmd (__strata_first_command)
    test -z "$cmd"
end

# __strata_command CMD: true when the command is CMD.
function __strata_command
    set -l cmd (__strata_first_command)
    test -n "$cmd"; and contains -- "$cmd" $argv
end

# __strata_migrate_sub: true when `migrate` was given and no subcommand yet.
# __strata_migrate_sub SUB: true when the migrate subcommand is SUB.
function __strata_migrate_sub
    __strata_sub migrate $argv[1]
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
complete -c strata -n __strata_needs_command -s h -l help -d 'Print this help message and exit'
complete -c strata -n __strata_needs_command -l version -d 'Print the version and the git revision it was built from (--json: as JSON)'
complete -c strata -n __strata_needs_command -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n __strata_needs_command -a migrate -d 'Version a SQLite, PostgreSQL or MySQL database schema with SQL migration files'
complete -c strata -n __strata_needs_command -a chunk -d 'Split documents into chunks with exact byte offsets (JSON Lines)'
complete -c strata -n __strata_needs_command -a tokens -d 'Count, list, decode or truncate tokens (tiktoken-identical)'
complete -c strata -n __strata_needs_command -a ingest -d 'Add files, folders, stdin or JSONL records to the knowledge store'
complete -c strata -n __strata_needs_command -a collections -d "List the store's collections, or remove one"
complete -c strata -n __strata_needs_command -a documents -d 'List a collection\'s documents, show one\'s chunks, remove some'
complete -c strata -n __strata_needs_command -a embed -d 'Embed a collection\'s chunks (stored, cached, resumable), or texts given as arguments or on stdin'
complete -c strata -n __strata_needs_command -a search -d 'Search a collection by keyword (BM25), by vector, or both (hybrid)'
complete -c strata -n __strata_needs_command -a ask -d 'Answer a question from a collection\'s documents, with checked citations (offline without a model)'
complete -c strata -n __strata_needs_command -a chat -d 'Ask questions one after another in a session (line editing, history, slash commands)'
complete -c strata -n __strata_needs_command -a logs -d 'List the answers strata ask has given (question, model, tokens, time)'
complete -c strata -n __strata_needs_command -a mcp -d 'Serve the store\'s search and documents, and the migration reports, to agents (MCP over stdio)'
complete -c strata -n __strata_needs_command -a config -d 'Show the effective configuration (strata.toml, user file, environment, defaults) and its sources'
complete -c strata -n __strata_needs_command -a trust -d 'Allow a project\'s settings that send content, name secrets or leave the folder; list or revoke'

# strata migrate: subcommands
complete -c strata -n __strata_migrate_sub -a new -d 'Create <timestamp>_<name>.sql with up and down sections'
complete -c strata -n __strata_migrate_sub -a up -d 'Apply pending migrations, oldest first'
complete -c strata -n __strata_migrate_sub -a down -d 'Roll back applied migrations, newest first (default: one)'
complete -c strata -n __strata_migrate_sub -a redo -d 'Roll back the newest N migrations (default: 1) and apply them again'
complete -c strata -n __strata_migrate_sub -a create -d 'Create the database, unless it exists'
complete -c strata -n __strata_migrate_sub -a drop -d 'Drop the database and all its data (asks first at a terminal)'
complete -c strata -n __strata_migrate_sub -a load -d 'Apply a schema.sql written by dump to an empty database, recording its versions'
complete -c strata -n __strata_migrate_sub -a wait -d 'Wait until the database accepts connections (--wait-timeout, default 60 s)'
complete -c strata -n __strata_migrate_sub -a status -d 'Show applied, pending, missing and modified migrations'
complete -c strata -n __strata_migrate_sub -a stamp -d 'Record migrations up to VERSION as applied without running them (baseline)'
complete -c strata -n __strata_migrate_sub -a dump -d 'Write the live schema as a deterministic schema.sql'
complete -c strata -n __strata_migrate_sub -a check -d 'Check migration files and the database for CI (read-only)'
complete -c strata -n __strata_migrate_sub -a accept -d 'Accept the current checksum of applied migrations whose file changed'

# strata migrate: options accepted on migrate and on every subcommand
set -l in_migrate '__fish_seen_subcommand_from migrate'
complete -c strata -n $in_migrate -s d -l database -r -F -d 'Database: sqlite:path, sqlite:///abs/path, a path, postgres://user:pass@host:port/db or mysql://...'
complete -c strata -n $in_migrate -l dir -x -a '(__fish_complete_directories)' -d 'Migrations directory; repeat it to read several as one set, ordered by version'
complete -c strata -n $in_migrate -l table -x -d 'History table (default: strata_migrations)'
complete -c strata -n $in_migrate -l lock-timeout -x -d 'Seconds to wait for another strata\'s migration lock or a busy database (default: 60)'
complete -c strata -n $in_migrate -l envsub -d 'Expand ${NAME} from the environment in every migration, not only in sections marked envsub:on'
complete -c strata -n $in_migrate -l schema -x -d 'PostgreSQL: schema for the migrations and the history table (default: first of the search_path)'
complete -c strata -n $in_migrate -l wait -d 'PostgreSQL, MySQL: wait for the server to accept connections (see --wait-timeout)'
complete -c strata -n $in_migrate -l wait-timeout -x -d 'Seconds --wait waits for the server'
complete -c strata -n $in_migrate -l json -d 'Machine-readable output on stdout'
complete -c strata -n $in_migrate -s q -l quiet -d 'Print only errors'
complete -c strata -n $in_migrate -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_migrate -s h -l help -d 'Print this help message and exit'

# up
complete -c strata -n '__strata_migrate_sub up' -l to -x -a '(__strata_versions pending)' -d 'Apply up to and including this version'
complete -c strata -n '__strata_migrate_sub up' -l steps -x -d 'Apply at most N migrations'
complete -c strata -n '__strata_migrate_sub up' -l atomic -d 'Apply the whole batch in one transaction (all or nothing)'
complete -c strata -n '__strata_migrate_sub up' -l dry-run -d 'Print the exact SQL that would run; change nothing'
complete -c strata -n '__strata_migrate_sub up' -l show-values -d 'With --dry-run, print ${NAME} placeholders with their values'
complete -c strata -n '__strata_migrate_sub up' -l allow-out-of-order -d 'Apply pending migrations older than the newest applied one'
complete -c strata -n '__strata_migrate_sub up' -l resume -d 'Continue a half-done transaction:false migration'

# down
complete -c strata -n '__strata_migrate_sub down' -l steps -x -d 'Roll back N migrations'
complete -c strata -n '__strata_migrate_sub down' -l to -x -a '(__strata_versions "applied|modified")' -d 'Roll back every migration newer than this version'
complete -c strata -n '__strata_migrate_sub down' -l all -d 'Roll back every applied migration'
complete -c strata -n '__strata_migrate_sub down' -l dry-run -d 'Print the exact SQL that would run; change nothing'
complete -c strata -n '__strata_migrate_sub down' -l show-values -d 'With --dry-run, print ${NAME} placeholders with their values'

# redo
complete -c strata -n '__strata_migrate_sub redo' -l steps -x -d 'How many (default: 1)'
complete -c strata -n '__strata_migrate_sub redo' -l dry-run -d 'Print the exact SQL that would run; change nothing'
complete -c strata -n '__strata_migrate_sub redo' -l show-values -d 'With --dry-run, print ${NAME} placeholders with their values'

# stamp V
complete -c strata -n '__strata_migrate_sub stamp' -x -a '(__strata_versions pending)'

# dump
complete -c strata -n '__strata_migrate_sub dump' -s o -l output -r -F -d 'Write to FILE instead of stdout'
complete -c strata -n '__strata_migrate_sub drop' -s y -l yes -d 'Drop without asking (required when not at a terminal)'
complete -c strata -n '__strata_migrate_sub load' -F -d 'The schema file'
complete -c strata -n __strata_migrate_sub -a diff -d 'Write the next migration (up and down) from the schema you want'

# diff NAME --to ...
complete -c strata -n '__strata_migrate_sub diff' -l to -r -F -d 'The desired schema: SQL files, folders of them, or a database URL'
complete -c strata -n '__strata_migrate_sub diff' -l rename -x -d 'OLD=NEW (a table) or TABLE.OLD=NEW (a column): a rename, not a drop and an add'
complete -c strata -n '__strata_migrate_sub diff' -l no-rename -d 'Take every possible rename as a drop and an add'
complete -c strata -n '__strata_migrate_sub diff' -l concurrently -d 'PostgreSQL: create indexes on existing tables CONCURRENTLY, in a second transaction:false migration'
complete -c strata -n '__strata_migrate_sub diff' -l dry-run -d 'Print the migration; write nothing'

# check
complete -c strata -n '__strata_migrate_sub check' -l drift -d 'Compare the live schema with a replay of the applied migrations'
complete -c strata -n '__strata_migrate_sub check' -l roundtrip -d 'Check that each down undoes its up (in memory, or a scratch PostgreSQL schema)'
complete -c strata -n '__strata_migrate_sub check' -l strict -d 'Count warnings as errors'
complete -c strata -n '__strata_migrate_sub check' -s v -l verbose -d 'Show the full definitions behind drift and roundtrip findings'
complete -c strata -n '__strata_migrate_sub check' -l baseline -r -F -d 'Baseline file of acknowledged findings'
complete -c strata -n '__strata_migrate_sub check' -l no-baseline -d 'Ignore the baseline file: every finding counts'
complete -c strata -n '__strata_migrate_sub check' -l write-baseline -d 'Write the current warnings to FILE (default: the baseline file) and acknowledge them'

# accept (V | --all)
complete -c strata -n '__strata_migrate_sub accept' -x -a '(__strata_versions modified)'
complete -c strata -n '__strata_migrate_sub accept' -l all -d 'Accept every changed file'

# strata chunk [FILE...|-]
set -l in_chunk '__strata_command chunk'
complete -c strata -n $in_chunk -F
complete -c strata -n $in_chunk -l format -x -a 'jsonl json text' -d 'Output: jsonl, json or text (default: text on a terminal, jsonl otherwise)'
complete -c strata -n $in_chunk -l strategy -x -a 'fixed recursive paragraph sentence markdown token' -d 'fixed, recursive, paragraph, sentence, markdown or token'
complete -c strata -n $in_chunk -l size -x -d 'Largest chunk, in --unit (default: 1000)'
complete -c strata -n $in_chunk -l overlap -x -d 'Most of a chunk\'s tail repeated at the next one\'s head (default: 0)'
complete -c strata -n $in_chunk -l min-size -x -d 'Join chunks smaller than N to a neighbour, which may then exceed --size by less than N; 0: off'
complete -c strata -n $in_chunk -l unit -x -a 'chars bytes tokens' -d 'Size unit: chars (code points), bytes or tokens (default: chars)'
complete -c strata -n $in_chunk -l tokenizer -x -a 'cl100k_base o200k_base' -d 'Tokenizer for tokens: cl100k_base or o200k_base (default: cl100k_base)'
complete -c strata -n $in_chunk -l separator -x -d 'Recursive separator, repeatable, in order (escapes \\n \\t \\r \\\\; "" = graphemes)'
complete -c strata -n $in_chunk -l separators -x -d 'Recursive separators as a JSON array, e.g. \'["\\n\\n","\\n"," ",""]\''
complete -c strata -n $in_chunk -l compat -x -a langchain -d 'langchain: LangChain RecursiveCharacterTextSplitter chunk texts'
complete -c strata -n $in_chunk -l lossy -d 'Replace invalid UTF-8 with U+FFFD (offsets still index the original bytes)'
complete -c strata -n $in_chunk -l no-tokens -d 'Leave out the tokens field (counting is most of the time; --unit tokens still counts)'
complete -c strata -n $in_chunk -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_chunk -s h -l help -d 'Print this help message and exit'

# strata tokens [FILE...|-]
set -l in_tokens '__strata_command tokens'
complete -c strata -n $in_tokens -F
complete -c strata -n $in_tokens -l ids -d 'Print the token ids, one line per input'
complete -c strata -n $in_tokens -l decode -d 'Read token ids (separated by spaces) and print their text'
complete -c strata -n $in_tokens -l truncate -x -d 'Print the input cut to at most N tokens, at a character boundary'
complete -c strata -n $in_tokens -l tokenizer -x -a 'cl100k_base o200k_base' -d 'cl100k_base or o200k_base (default: cl100k_base)'
complete -c strata -n $in_tokens -l json -d 'JSON output: a summary object for counts, an array of ids per input, a string per decoded input, an object per truncated input'
complete -c strata -n $in_tokens -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_tokens -s h -l help -d 'Print this help message and exit'

# strata ingest [PATH...|-]
set -l in_ingest '__strata_command ingest'
complete -c strata -n $in_ingest -F
complete -c strata -n $in_ingest -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_ingest -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_ingest -l glob -x -d 'Only files matching this glob (repeatable; \'!GLOB\' excludes)'
complete -c strata -n $in_ingest -l exclude -x -d 'Skip files and folders matching this glob (repeatable)'
complete -c strata -n $in_ingest -l hidden -d 'Also walk hidden files and folders'
complete -c strata -n $in_ingest -l no-ignore -d 'Do not read .gitignore files'
complete -c strata -n $in_ingest -l follow-links -d 'Also ingest links to files outside the folder (skipped by default: a cloned repository\'s link could point at your secrets)'
complete -c strata -n $in_ingest -l include-generated -d 'Also ingest generated and non-text files (SVG, search indexes, Sphinx _sources, ...)'
complete -c strata -n $in_ingest -l files-from -r -F -d "Read the paths to ingest from FILE ('-' for stdin)"
complete -c strata -n $in_ingest -s 0 -l null -d '--files-from paths are NUL-separated (find -print0)'
complete -c strata -n $in_ingest -l jsonl -d 'Inputs (or stdin) are JSONL records: {"id", "text", "title"?, "metadata"?}'
complete -c strata -n $in_ingest -l id -x -d "Document id for '-' (default: stdin)"
complete -c strata -n $in_ingest -l meta -x -d 'Attach metadata to every document of the run (repeatable)'
complete -c strata -n $in_ingest -l loader -x -a 'text markdown html pdf code docx odt pptx epub man' -d 'Force a loader: text, markdown, html, pdf, code, docx, odt, pptx, epub or man'
complete -c strata -n $in_ingest -l loader-cmd -x -d 'Convert files of EXT with COMMAND, run without a shell; {path} is the file (repeatable)'
complete -c strata -n $in_ingest -l loader-timeout -x -d 'Seconds a --loader-cmd converter may run on one file (default: 60)'
complete -c strata -n $in_ingest -l strategy -x -a 'auto fixed recursive paragraph sentence markdown token' -d 'Chunking: auto (markdown for Markdown/HTML, else recursive), fixed, recursive, paragraph, sentence, markdown, token'
complete -c strata -n $in_ingest -l size -x -d 'Largest chunk, in --unit (default: 1000)'
complete -c strata -n $in_ingest -l overlap -x -d 'Most of a chunk\'s tail repeated at the next one\'s head (default: 0)'
complete -c strata -n $in_ingest -l min-size -x -d 'Join chunks smaller than N to a neighbour; 0: off (default: a fifth of --size)'
complete -c strata -n $in_ingest -l unit -x -a 'chars bytes tokens' -d 'Size unit: chars (code points), bytes or tokens (default: chars)'
complete -c strata -n $in_ingest -l tokenizer -x -a 'cl100k_base o200k_base' -d 'Tokenizer for tokens: cl100k_base or o200k_base (default: cl100k_base)'
complete -c strata -n $in_ingest -l rechunk -d 'Re-chunk the given documents when the chunking options changed'
complete -c strata -n $in_ingest -l prune -d 'Remove documents whose files no longer exist under the given paths'
complete -c strata -n $in_ingest -l dry-run -d 'Print the plan (new, changed, unchanged, removed); write nothing'
complete -c strata -n $in_ingest -l checksum -d 'Hash every file, even when its size and modification time are unchanged'
complete -c strata -n $in_ingest -l threads -x -d 'Worker threads (default: one per CPU)'
complete -c strata -n $in_ingest -l embed -d 'Embed the new chunks at once, also with a server model'
complete -c strata -n $in_ingest -l no-embed -d 'Leave the new chunks without vectors, for strata embed'
complete -c strata -n $in_ingest -l base-url -x -d 'Server URL up to /embeddings'
complete -c strata -n $in_ingest -l api-key-env -x -a '(set -xn)' -d 'Environment variable holding the API key'
complete -c strata -n $in_ingest -l max-retries -x -d 'Retries of a failed request, 0 to 100 (default: 5)'
complete -c strata -n $in_ingest -l timeout -x -d 'Seconds a request may take, decimals allowed (default: 120)'
complete -c strata -n $in_ingest -l json -d 'Print a JSON summary on stdout'
complete -c strata -n $in_ingest -s q -l quiet -d 'No progress, notes or summary on stderr'
complete -c strata -n $in_ingest -s v -l verbose -d 'List every document and what happened to it'
complete -c strata -n $in_ingest -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_ingest -s h -l help -d 'Print this help message and exit'

# strata collections [list | remove NAME]
set -l in_collections '__strata_command collections'
complete -c strata -n '__strata_sub collections' -a list -d 'List collections (the default)'
complete -c strata -n '__strata_sub collections' -a remove -d 'Remove a collection with its documents and chunks'
complete -c strata -n '__strata_sub collections remove 0' -a '(__strata_names collections)' -d Collection
complete -c strata -n $in_collections -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_collections -l json -d 'JSON for scripts (one object per line for lists)'
complete -c strata -n $in_collections -s q -l quiet -d 'No messages on stderr'
complete -c strata -n $in_collections -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_collections -s h -l help -d 'Print this help message and exit'

# strata documents [list | show SOURCE | remove SOURCE...]
set -l in_documents '__strata_command documents'
complete -c strata -n '__strata_sub documents' -a list -d 'List documents (the default)'
complete -c strata -n '__strata_sub documents' -a show -d "Show a document's record and its chunks"
complete -c strata -n '__strata_sub documents' -a remove -d 'Remove documents with their chunks (all or none)'
complete -c strata -n '__strata_sub documents show 0' -a '(__strata_names documents)' -d Document
complete -c strata -n '__strata_sub documents show' -l text -d 'Print the document\'s loaded text (for HTML, the text extracted from the page) instead of its chunks'
complete -c strata -n '__strata_sub documents remove' -a '(__strata_names documents --new)' -d Document
complete -c strata -n $in_documents -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_documents -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_documents -l json -d 'JSON for scripts (one object per line for lists)'
complete -c strata -n $in_documents -s q -l quiet -d 'No messages on stderr'
complete -c strata -n $in_documents -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_documents -s h -l help -d 'Print this help message and exit'

# strata embed [--collection C | --text T | - | --jsonl [FILE]]
set -l in_embed '__strata_command embed'
complete -c strata -n "$in_embed; and contains -- --jsonl (commandline -opc)" -F
complete -c strata -n $in_embed -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_embed -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_embed -l text -x -d 'Embed this text and print its vector as JSON (repeatable)'
complete -c strata -n $in_embed -l jsonl -d 'Read {"id","text"} JSON Lines records and print one vector per record'
complete -c strata -n $in_embed -l provider -x -a 'local openai' -d 'local (built in, lexical, no network) or openai (any /v1/embeddings server)'
complete -c strata -n $in_embed -l model -x -a 'hash-ngram-v2 hash-ngram-v1 text-embedding-3-small text-embedding-3-large text-embedding-ada-002 nomic-embed-text mxbai-embed-large all-minilm bge-m3 snowflake-arctic-embed' -d 'Model name'
complete -c strata -n $in_embed -l dimensions -x -d 'Vector size (local: 16-8192, default 384; openai: sent to the server)'
complete -c strata -n $in_embed -l base-url -x -d 'Server URL up to /embeddings'
complete -c strata -n $in_embed -l api-key-env -x -a '(set -xn)' -d 'Environment variable holding the API key'
complete -c strata -n $in_embed -l concurrency -x -d 'Requests in flight, 1 to 64 (default: 4)'
complete -c strata -n $in_embed -l batch-size -x -d 'Most inputs per request'
complete -c strata -n $in_embed -l batch-tokens -x -d 'Most tokens per request'
complete -c strata -n $in_embed -l max-input-tokens -x -d 'Most tokens per input'
complete -c strata -n $in_embed -l max-retries -x -d 'Retries of a failed request, 0 to 100 (default: 5)'
complete -c strata -n $in_embed -l timeout -x -d 'Seconds a request may take, decimals allowed (default: 120)'
complete -c strata -n $in_embed -l strict -d 'Refuse inputs over the model\'s token limit instead of truncating them'
complete -c strata -n $in_embed -l switch-model -d 'Drop the collection\'s vectors and re-embed it with another model (cached vectors are reused)'
complete -c strata -n $in_embed -l json -d 'Collection mode: a JSON summary on stdout; text mode: one JSON array'
complete -c strata -n $in_embed -s q -l quiet -d 'No progress, notes or summary on stderr (warnings and errors remain)'
complete -c strata -n $in_embed -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_embed -s h -l help -d 'Print this help message and exit'

# strata search QUERY...
set -l in_search '__strata_command search'
complete -c strata -n $in_search -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_search -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_search -l mode -x -a 'keyword vector hybrid' -d 'Retrieval: keyword, vector or hybrid (default: hybrid when the collection has vectors)'
complete -c strata -n $in_search -s k -x -d 'Number of hits, 1 to 1000 (default: 10)'
complete -c strata -n $in_search -l where -x -d 'Only documents whose metadata KEY (or source, title, loader, path) is VALUE; KEY^=PREFIX starts with it, KEY~GLOB matches; repeatable, ANDed'
complete -c strata -n $in_search -l vector-weight -x -d 'Hybrid: the vector list\'s weight in the fusion, 0 to 1; the keyword list\'s is 1'
complete -c strata -n $in_search -l base-url -x -d 'Embedding server for a collection embedded with openai'
complete -c strata -n $in_search -l api-key-env -x -a '(set -xn)' -d 'Environment variable holding the API key'
complete -c strata -n $in_search -l rerank -d 'Re-score the best candidates with a reranker server first (default: [search] rerank)'
complete -c strata -n $in_search -l rerank-url -r -d 'Reranker server, up to /rerank'
complete -c strata -n $in_search -l rerank-model -r -d 'Reranker model'
complete -c strata -n $in_search -l rerank-api-key-env -x -a '(set -xn)' -d 'Environment variable holding the reranker\'s key (default: none)'
complete -c strata -n $in_search -l json -d 'One JSON object per hit (JSON Lines)'
complete -c strata -n $in_search -l explain -d 'Show each hit\'s rank and score in the keyword and vector lists, and timings'
complete -c strata -n $in_search -s v -l verbose -d 'Show each hit\'s rank and score in the keyword and vector lists, and timings'
complete -c strata -n $in_search -s q -l quiet -d 'No notes on stderr (errors remain)'
complete -c strata -n $in_search -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_search -s h -l help -d 'Print this help message and exit'

# strata ask QUESTION, strata chat: the options of an answer, which both take
set -l in_answer '__strata_command ask chat'
set -l in_ask '__strata_command ask'
set -l in_chat '__strata_command chat'
complete -c strata -n $in_answer -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_answer -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_answer -s k -x -d 'Chunks retrieved before packing, 1 to 1000 (default: 20)'
complete -c strata -n $in_answer -l mode -x -a 'keyword vector hybrid' -d 'Retrieval: keyword, vector or hybrid (default: hybrid when the collection has vectors)'
complete -c strata -n $in_answer -l where -x -d 'Only documents whose metadata KEY (or source, title, loader, path) is VALUE; KEY^=PREFIX starts with it, KEY~GLOB matches; repeatable, ANDed'
complete -c strata -n $in_answer -l vector-weight -x -d 'Hybrid: the vector list\'s weight in the fusion, 0 to 1; the keyword list\'s is 1'
complete -c strata -n $in_answer -l provider -x -a 'openai anthropic none' -d 'openai (any /v1/chat/completions server), anthropic, or none'
complete -c strata -n $in_answer -l model -x -a 'gpt-4o-mini gpt-4o gpt-4.1 gpt-4.1-mini o4-mini claude-3-5-haiku-latest claude-sonnet-4-5 llama3.2 qwen2.5 mistral' -d 'Model name'
complete -c strata -n $in_answer -l base-url -x -d 'Server URL up to /chat/completions, e.g. http://localhost:11434/v1'
complete -c strata -n $in_answer -l api-key-env -x -a '(set -xn)' -d 'Environment variable holding the API key'
complete -c strata -n $in_answer -l temperature -x -d 'Sampling temperature, 0 to 2 (default: the server\'s)'
complete -c strata -n $in_answer -l max-tokens -x -d 'Longest answer in tokens'
complete -c strata -n $in_answer -l context-tokens -x -d 'Tokens of sources in the prompt'
complete -c strata -n $in_answer -l max-retries -x -d 'Retries of a request that failed before the answer began, 0 to 100 (default: 4)'
complete -c strata -n $in_answer -l timeout -x -d 'Give up on a stream that brings nothing new for SECS seconds, rounded up to whole seconds (default: 120)'
complete -c strata -n $in_ask -s c -l continue -d 'Continue the most recent conversation'
complete -c strata -n $in_ask -l conversation -x -d 'Continue conversation ID (see strata logs)'
complete -c strata -n $in_answer -l tools -d 'Let the model call tools before it answers: strata\'s search and read_document, and the tools of the MCP servers in your config file ([mcp.servers.NAME])'
complete -c strata -n $in_answer -l max-steps -x -d 'With --tools: model requests at most, 1 to 20; the last must answer (default: 4)'
complete -c strata -n $in_answer -s y -l yes -d 'With --tools: run MCP servers\' tool calls without asking (each asks first otherwise)'
complete -c strata -n $in_answer -l no-cache -d 'Ask the model even when the store has this exact request\'s answer'
complete -c strata -n $in_answer -l no-stream -d 'Ask for the whole answer at once (servers that cannot stream)'
complete -c strata -n $in_answer -l redact -d 'Remove e-mail addresses, phone and card numbers, IP addresses and keys from the sources sent'
complete -c strata -n $in_answer -l raw -d 'Print the model\'s output as it is, escape sequences included'
complete -c strata -n $in_ask -l context-only -d 'Print the prompt that would be sent, and stop'
complete -c strata -n $in_ask -l no-stdin -d 'Leave standard input unread (by default text piped in with a question is its context, up to 1 MiB)'
complete -c strata -n $in_answer -l system -r -d 'Your own instructions for the model, TEXT or @FILE, before strata\'s (which keep the answer to the sources, cited)'
complete -c strata -n $in_answer -l rerank -d 'Re-score the best candidates with a reranker server first (default: [search] rerank)'
complete -c strata -n $in_answer -l rerank-url -r -d 'Reranker server, up to /rerank'
complete -c strata -n $in_answer -l rerank-model -r -d 'Reranker model'
complete -c strata -n $in_answer -l rerank-api-key-env -r -d 'Environment variable holding the reranker\'s key (default: none)'
complete -c strata -n $in_ask -l json -d 'One JSON object: answer, citations, sources, model, usage, cached, timings (nothing streamed)'
complete -c strata -n $in_ask -s q -l quiet -d 'No notes or summary on stderr (warnings and errors remain)'
complete -c strata -n $in_answer -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_answer -s h -l help -d 'Print this help message and exit'
complete -c strata -n $in_chat -l conversation -x -d 'Resume conversation ID (see strata logs) instead of starting a new one'
complete -c strata -n $in_chat -s q -l quiet -d 'No greeting, notes or summary on stderr (warnings and errors remain)'

# strata logs
set -l in_logs '__strata_command logs'
complete -c strata -n $in_logs -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_logs -s n -l limit -x -d 'Show the N most recent calls; 0 shows all (default: 20)'
complete -c strata -n $in_logs -l conversation -x -d 'Only the calls of conversation ID'
complete -c strata -n $in_logs -l json -d 'JSON Lines: one object per call, answer and chunk ids included'
complete -c strata -n "$in_logs; and not __fish_seen_subcommand_from show" -a show -d 'Print one logged call whole: question, answer, model, tokens, chunks'
complete -c strata -n $in_logs -s q -l quiet -d 'No note on stderr when nothing was logged (errors remain)'
complete -c strata -n $in_logs -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_logs -s h -l help -d 'Print this help message and exit'

# strata mcp
set -l in_mcp '__strata_command mcp'
complete -c strata -n $in_mcp -l store -r -F -d 'Knowledge store file'
complete -c strata -n $in_mcp -l collection -x -a '(__strata_names collections)' -d 'Collection name (default: store.collection in strata.toml, else default)'
complete -c strata -n $in_mcp -l no-migrate -d 'Leave out the migration tools (migrate_status, migrate_check)'
complete -c strata -n $in_mcp -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_mcp -s h -l help -d 'Print this help message and exit'

# strata config
set -l in_config '__strata_command config'
complete -c strata -n $in_config -l path -d 'Print which configuration files were found'
complete -c strata -n $in_config -l json -d 'One JSON object: each value with its source; secrets as set/unset'
complete -c strata -n $in_config -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_config -s h -l help -d 'Print this help message and exit'

# strata trust
set -l in_trust '__strata_command trust'
complete -c strata -n $in_trust -x -a '(__fish_complete_directories)'
complete -c strata -n $in_trust -l show -d 'Print what the project\'s settings would do and whether it is trusted; record nothing'
complete -c strata -n $in_trust -l list -d 'List the trusted projects'
complete -c strata -n $in_trust -l revoke -d 'Withdraw the trust in the project'
complete -c strata -n $in_trust -l json -d 'One JSON object (--list: one line per project)'
complete -c strata -n $in_trust -s q -l quiet -d 'No note on stderr'
complete -c strata -n $in_trust -l color -x -a 'auto always never' -d 'Colour: auto, always or never (NO_COLOR is honoured)'
complete -c strata -n $in_trust -s h -l help -d 'Print this help message and exit'
