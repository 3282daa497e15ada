# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_beast_global_optspecs
    string join \n db= project= author= roadmap= today= color= h/help V/version
end

function __fish_beast_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_beast_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_beast_using_subcommand
    set -l cmd (__fish_beast_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c beast -n "__fish_beast_needs_command" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_needs_command" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_needs_command" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_needs_command" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_needs_command" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_needs_command" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_needs_command" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_needs_command" -s V -l version -d 'Print version'
complete -c beast -n "__fish_beast_needs_command" -f -a "status" -d 'Where the team stands: position, progress, month tasks, metrics, dog food'
complete -c beast -n "__fish_beast_needs_command" -f -a "complete" -d 'Mark a roadmap task done, record ad-hoc work, or undo a completion'
complete -c beast -n "__fish_beast_needs_command" -f -a "evidence" -d 'Attach evidence to a completion: a commit, a URL, or a file of the repository'
complete -c beast -n "__fish_beast_needs_command" -f -a "metric" -d 'Record a metric reading, show a metric\'s history, or list the catalog'
complete -c beast -n "__fish_beast_needs_command" -f -a "dogfood" -d 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)'
complete -c beast -n "__fish_beast_needs_command" -f -a "report" -d 'The full report, for CI: `beast report > report.json`'
complete -c beast -n "__fish_beast_needs_command" -f -a "check" -d 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI'
complete -c beast -n "__fish_beast_needs_command" -f -a "roadmap" -d 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one'
complete -c beast -n "__fish_beast_needs_command" -f -a "bench" -d 'Measure cache and routing metrics on a reproducible workload and record them'
complete -c beast -n "__fish_beast_needs_command" -f -a "init" -d 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)'
complete -c beast -n "__fish_beast_needs_command" -f -a "undo" -d 'Take back your last action: retract your last record, or restore what your last undo or retraction took back'
complete -c beast -n "__fish_beast_needs_command" -f -a "retract" -d 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)'
complete -c beast -n "__fish_beast_needs_command" -f -a "log" -d 'The events of the history, newest first, with ids for `beast retract`'
complete -c beast -n "__fish_beast_needs_command" -f -a "sync" -d 'Fetch the team\'s history, merge yours in, and push it with --push'
complete -c beast -n "__fish_beast_needs_command" -f -a "export" -d 'Write the history\'s events as JSON lines (the event log\'s format)'
complete -c beast -n "__fish_beast_needs_command" -f -a "import" -d 'Merge events from a `beast export` file (or, with `legacy`, the old tracker\'s file) into this history'
complete -c beast -n "__fish_beast_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c beast -n "__fish_beast_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand status" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand status" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand status" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand status" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand status" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand status" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand status" -l json -d 'Print the same document as `beast report` instead of the screen'
complete -c beast -n "__fish_beast_using_subcommand status" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand complete" -l note -d 'A note kept with the completion' -r
complete -c beast -n "__fish_beast_using_subcommand complete" -l evidence -d 'Proof the work exists: a commit, a path in the repository, or a URL (repeatable; see `beast evidence --help`)' -r
complete -c beast -n "__fish_beast_using_subcommand complete" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand complete" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand complete" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand complete" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand complete" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand complete" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand complete" -l adhoc -d 'Record unplanned work; it is listed but never counted in roadmap progress'
complete -c beast -n "__fish_beast_using_subcommand complete" -l undo -d 'Undo the task\'s completion (it stays in the history as undone)'
complete -c beast -n "__fish_beast_using_subcommand complete" -l json -d 'Print what was recorded as JSON'
complete -c beast -n "__fish_beast_using_subcommand complete" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand complete" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand evidence" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand evidence" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand evidence" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand evidence" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand evidence" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand evidence" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand evidence" -l json -d 'Print what was recorded as JSON'
complete -c beast -n "__fish_beast_using_subcommand evidence" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand evidence" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand metric" -l note -d 'A note kept with the reading' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l at -d 'When the value was measured (YYYY-MM-DD or RFC 3339) [default: now]' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l source -d 'Where the value comes from, e.g. manual, grafana, ci' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l limit -d 'How many readings the history shows' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand metric" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand metric" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand metric" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand metric" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand metric" -l json -d 'Print JSON: the reading recorded, the history, or the catalog'
complete -c beast -n "__fish_beast_using_subcommand metric" -l force -d 'Accept a --at before the roadmap\'s start (2026-01-01)'
complete -c beast -n "__fish_beast_using_subcommand metric" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand metric" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l note -d 'A note kept with the event' -r
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l manual -d 'The work was done without BEAST MODE (counts against the generated share)'
complete -c beast -n "__fish_beast_using_subcommand dogfood" -l json -d 'Print JSON: what was recorded, or the shares'
complete -c beast -n "__fish_beast_using_subcommand dogfood" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand dogfood" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand report" -l format -d 'Output format' -r -f -a "json\t''
markdown\t''
openmetrics\t''
html\t''"
complete -c beast -n "__fish_beast_using_subcommand report" -l label -d 'OpenMetrics: a label every sample carries, after `project` (repeatable), e.g. --label team=search' -r
complete -c beast -n "__fish_beast_using_subcommand report" -s o -l output -d 'Write to FILE (atomically: readers never see half a file) instead of stdout' -r -F
complete -c beast -n "__fish_beast_using_subcommand report" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand report" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand report" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand report" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand report" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand report" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand report" -l compact -d 'JSON on one line instead of indented'
complete -c beast -n "__fish_beast_using_subcommand report" -l json -d 'The JSON report (the default; for symmetry with `status --json`)'
complete -c beast -n "__fish_beast_using_subcommand report" -l timestamps -d 'OpenMetrics: stamp each series\' value with when it was measured (node_exporter\'s textfile collector and Pushgateway refuse timestamps; Prometheus scraping a file server does not)'
complete -c beast -n "__fish_beast_using_subcommand report" -l summary -d 'Append the Markdown report to the file $GITHUB_STEP_SUMMARY names (a GitHub Actions job summary)'
complete -c beast -n "__fish_beast_using_subcommand report" -l schema -d 'Print the JSON Schema of the JSON report and exit'
complete -c beast -n "__fish_beast_using_subcommand report" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand check" -l rules -d 'Rules to run, comma-separated: regression, behind, overdue, pace, unverified, target_unmet [default: all]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l fail-on -d 'Rules that fail the check, comma-separated; the others warn [default: regression]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l min-change -d 'The smallest change from the regime\'s median that counts as a regression, in percent' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l metric-min-change -d 'The smallest change for one metric: NAME=PCT (repeatable)' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l window -d 'How many earlier readings of a series are searched for its regime [default: 64]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l min-samples -d 'Fewer readings in the regime give no verdict [default: 5]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l warn-sigma -d 'The warn bound, in robust spreads from the regime\'s median [default: 2.5]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l fail-sigma -d 'The bound one reading alone fails past, on a series with no one-off excursions [default: 6]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l confirm -d 'Readings in a row beyond the warn bound that fail [default: 2]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l boundary -d 'Older form of --warn-sigma: a one-sided confidence such as 0.999' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l grace -d 'Days after a block\'s last week before its open tasks are overdue [default: 3]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l since -d 'Judge the newest readings against each series as of this date (YYYY-MM-DD) or revision of the history (refs/beast/history), instead of against the readings before them' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l format -d 'Output format' -r -f -a "text\t''
markdown\t''
json\t''"
complete -c beast -n "__fish_beast_using_subcommand check" -l summary -d 'Also append a Markdown table to this file [default under GitHub Actions: $GITHUB_STEP_SUMMARY]' -r -F
complete -c beast -n "__fish_beast_using_subcommand check" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand check" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand check" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand check" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand check" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand check" -l json -d 'Same as --format json'
complete -c beast -n "__fish_beast_using_subcommand check" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l year -d 'Show one year (1, 3, 4 …)' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l quarter -d 'Show one quarter (1–4) of --year, or of the current year' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l month -d 'Show one month (1–48) in detail' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -l json -d 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -f -a "import" -d 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -f -a "check" -d 'Validate the roadmap files in use and summarise them'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and not __fish_seen_subcommand_from import check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -s o -l output -d 'Write the TOML here instead of stdout' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l name -d 'With -o: also write roadmap.toml beside it, naming the roadmap' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l start -d 'With -o: also write roadmap.toml beside it, with the roadmap\'s first month (YYYY-MM)' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -l json -d 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -l json -d 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from help" -f -a "import" -d 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the roadmap files in use and summarise them'
complete -c beast -n "__fish_beast_using_subcommand roadmap; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "cache" -d 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "routing" -d 'Model routing on real models\' recorded answers: APGR, CPT, accuracy, cost'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "paraphrase" -d 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "all" -d 'Both benchmarks on their defaults'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "runs" -d 'List stored benchmark runs'
complete -c beast -n "__fish_beast_using_subcommand bench; and not __fish_seen_subcommand_from cache routing paraphrase all runs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l seed -d 'Seed of the workload and simulations; same seed, same counts and rates' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l trace -d 'Replay a JSON-lines trace: {"t": <seconds>, "prompt": "…", "intent": "…"}' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l requests -d 'Size of the built-in workload (requests, history included)' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l tiers -d 'Custom configuration: number of tiers' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l l1-capacity -d 'Custom configuration: L1 capacity in entries' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l threshold -d 'Custom configuration: semantic similarity threshold, 0–1' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l thresholds -d 'Compare these thresholds side by side (records nothing)' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l matcher -d 'What judges similarity: tfidf (built in) or embedding (a sentence-embedding model)' -r -f -a "tfidf\t'TF-IDF over word n-grams (built in; the default)'
embedding\t'A sentence-embedding model (needs the `embedding` feature and --model)'"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l model -d 'The embedding model directory (config.json, tokenizer.json, model.safetensors) [default: embedding_model in .beast/config.toml]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l precision -d 'The embedding model\'s arithmetic: f32 (its own weights) or int8 (faster)' -r -f -a "auto\t'int8 where the CPU has AVX-512 VNNI, else f32 (the default)'
f32\t'The model\'s own f32 weights (matches the reference)'
int8\t'int8 weights and activations: faster, vectors move slightly (AVX-512 VNNI)'"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l max-false-rate -d 'Learn each semantic configuration\'s threshold so that at most this share of hits (0–1, e.g. 0.05) answers a different question; needs intents [default with --matcher embedding: 0.1, unless --threshold is given]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l json -d 'Print the results as JSON: {"runs": [...], "recorded": ...}'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l no-record -d 'Do not write the results as metric readings'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -s q -l quiet -d 'Print nothing on success (a CI step that only records)'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l exact-only -d 'Custom configuration: exact matching only'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l no-ttl -d 'Custom configuration: entries never expire'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -l no-warm -d 'Custom configuration: no cache warming'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from cache" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l seed -d 'Seed of the workload and simulations; same seed, same counts and rates' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l outcomes -d 'Recorded outcomes to route on, as published: RouteLLM\'s per-benchmark CSV (prompt, True/False per model) or RouterBench\'s (sample_id, prompt, eval_name, a score and a |total_cost per model); repeat for several files of the same models' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l exclude -d 'Prompts to leave out, as RouteLLM\'s contaminated_prompts.jsonl lists them' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l weak -d 'The cheaper model routed from (default: the cheapest, else the least accurate)' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l strong -d 'The better model routed to (default: the most accurate other)' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l splits -d 'Seeded train/test splits to average over' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l dataset -d 'With --modelled: a JSON-lines request set of the same shape as data/routing.jsonl' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l record-selector -d 'With --modelled: the selector whose figures become readings' -r -f -a "rule-based\t''
learned\t''
provider-only\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l write-dataset -d 'Generate the modelled request set from --seed into FILE and exit' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l rows -d 'Rows to generate with --write-dataset' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l json -d 'Print the results as JSON: {"runs": [...], "recorded": ...}'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l no-record -d 'Do not write the results as metric readings'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -s q -l quiet -d 'Print nothing on success (a CI step that only records)'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -l modelled -d 'The modelled fleet (data/models.toml) and its generated requests instead of recorded answers'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from routing" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l matcher -d 'Matchers to compare' -r -f -a "tfidf\t'TF-IDF over word n-grams (built in; the default)'
embedding\t'A sentence-embedding model (needs the `embedding` feature and --model)'"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l thresholds -d 'Thresholds to try [default: a sweep around each matcher\'s default]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l max-false-rate -d 'Also learn each matcher\'s threshold for at most this share of false hits (0–1) [default: 0.1 for the embedding matcher, none for TF-IDF]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l model -d 'The embedding model directory [default: embedding_model in .beast/config.toml]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l precision -d 'The embedding model\'s arithmetic: f32 (its own weights) or int8 (faster)' -r -f -a "auto\t'int8 where the CPU has AVX-512 VNNI, else f32 (the default)'
f32\t'The model\'s own f32 weights (matches the reference)'
int8\t'int8 weights and activations: faster, vectors move slightly (AVX-512 VNNI)'"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l pairs -d 'Labelled pairs to evaluate on instead of the built-in ones: a Quora, PAWS or MRPC file, GPTCache\'s mock_data.json, or any table or JSON of two texts and a 1/0 label' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l limit -d 'Read at most the file\'s first N pairs' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l near-misses -d 'Near misses to add, as a share of requests (0–0.5) [default: the built-in workload\'s when the pairs label no non-duplicates, else 0]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l seed -d 'Seed of the shuffle and the near misses' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l write-trace -d 'Write the trace (JSON lines, for `beast bench cache --trace`) and stop' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -l json -d 'Print the rows as JSON'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from paraphrase" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l seed -d 'Seed of the workload and simulations; same seed, same counts and rates' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l json -d 'Print the results as JSON: {"runs": [...], "recorded": ...}'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -l no-record -d 'Do not write the results as metric readings'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -s q -l quiet -d 'Print nothing on success (a CI step that only records)'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from all" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l limit -d 'How many runs to list' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -l json -d 'Print the runs as JSON'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from runs" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "cache" -d 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "routing" -d 'Model routing on real models\' recorded answers: APGR, CPT, accuracy, cost'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "paraphrase" -d 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "all" -d 'Both benchmarks on their defaults'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "runs" -d 'List stored benchmark runs'
complete -c beast -n "__fish_beast_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand init" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand init" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand init" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand init" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand init" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand init" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand init" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand init" -l json -d 'Print what was set up as JSON ({"dir", "created"})'
complete -c beast -n "__fish_beast_using_subcommand init" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand undo" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand undo" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand undo" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand undo" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand undo" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand undo" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand undo" -s y -l yes -d 'Do not ask, even on a terminal'
complete -c beast -n "__fish_beast_using_subcommand undo" -l dry-run -d 'Show what undo would change, and change nothing'
complete -c beast -n "__fish_beast_using_subcommand undo" -l json -d 'Print what was retracted as JSON'
complete -c beast -n "__fish_beast_using_subcommand undo" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand undo" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand retract" -l reason -d 'Why, kept with the retraction' -r
complete -c beast -n "__fish_beast_using_subcommand retract" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand retract" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand retract" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand retract" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand retract" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand retract" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand retract" -l json -d 'Print what was retracted as JSON'
complete -c beast -n "__fish_beast_using_subcommand retract" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand retract" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand log" -l limit -d 'How many events to show' -r
complete -c beast -n "__fish_beast_using_subcommand log" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand log" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand log" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand log" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand log" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand log" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand log" -l json -d 'Print the events as JSON: each with its id, state and line of the log'
complete -c beast -n "__fish_beast_using_subcommand log" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand sync" -l remote -d 'The remote to sync with (default: origin, else the only remote)' -r
complete -c beast -n "__fish_beast_using_subcommand sync" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand sync" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand sync" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand sync" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand sync" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand sync" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand sync" -l push -d 'Push the history after merging'
complete -c beast -n "__fish_beast_using_subcommand sync" -l json -d 'Print what was done as JSON'
complete -c beast -n "__fish_beast_using_subcommand sync" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand sync" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand export" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c beast -n "__fish_beast_using_subcommand export" -l since -d 'Only events recorded on or after this date (YYYY-MM-DD or RFC 3339)' -r
complete -c beast -n "__fish_beast_using_subcommand export" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand export" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand export" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand export" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand export" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand export" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand export" -s q -l quiet -d 'With -o: print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand export" -l json -d 'With -o: print what was written as JSON ({"path", "events"}); without -o the output is JSON already (the events, one object per line)'
complete -c beast -n "__fish_beast_using_subcommand export" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -l json -d 'Print what was imported as JSON ({"read", "added"})'
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -s q -l quiet -d 'Print nothing on success'
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -a "legacy" -d 'The old tracker\'s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
complete -c beast -n "__fish_beast_using_subcommand import; and not __fish_seen_subcommand_from legacy help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l map -d 'TOML overrides: "legacy name" = "Roadmap title" (or = "adhoc")' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l dry-run -d 'Show what would be imported; write nothing'
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -l json -d 'Print the mapping as JSON ({"mapped", "adhoc", "skipped", "readings", "dogfood"})'
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from legacy" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "legacy" -d 'The old tracker\'s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
complete -c beast -n "__fish_beast_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand completions" -l out-dir -d 'Write the scripts for every shell into this directory instead' -r -F
complete -c beast -n "__fish_beast_using_subcommand completions" -l db -d 'A personal database file instead of the project\'s history [default: the project\'s .beast/ if there is one, else the user\'s data directory, e.g. ~/.local/share/beast/beast.db]' -r -F
complete -c beast -n "__fish_beast_using_subcommand completions" -l project -d 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]' -r -F
complete -c beast -n "__fish_beast_using_subcommand completions" -l author -d 'Who records [default: the project\'s config, else `git config user.email`, else the user name]' -r
complete -c beast -n "__fish_beast_using_subcommand completions" -l roadmap -d 'Load the roadmap from this directory instead of the built-in one' -r -F
complete -c beast -n "__fish_beast_using_subcommand completions" -l today -d 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time' -r
complete -c beast -n "__fish_beast_using_subcommand completions" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c beast -n "__fish_beast_using_subcommand completions" -l man -d 'Print the man page (roff) instead'
complete -c beast -n "__fish_beast_using_subcommand completions" -s h -l help -d 'Print help'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "status" -d 'Where the team stands: position, progress, month tasks, metrics, dog food'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "complete" -d 'Mark a roadmap task done, record ad-hoc work, or undo a completion'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "evidence" -d 'Attach evidence to a completion: a commit, a URL, or a file of the repository'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "metric" -d 'Record a metric reading, show a metric\'s history, or list the catalog'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "dogfood" -d 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "report" -d 'The full report, for CI: `beast report > report.json`'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "check" -d 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "roadmap" -d 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "bench" -d 'Measure cache and routing metrics on a reproducible workload and record them'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "init" -d 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "undo" -d 'Take back your last action: retract your last record, or restore what your last undo or retraction took back'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "retract" -d 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "log" -d 'The events of the history, newest first, with ids for `beast retract`'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "sync" -d 'Fetch the team\'s history, merge yours in, and push it with --push'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "export" -d 'Write the history\'s events as JSON lines (the event log\'s format)'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "import" -d 'Merge events from a `beast export` file (or, with `legacy`, the old tracker\'s file) into this history'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c beast -n "__fish_beast_using_subcommand help; and not __fish_seen_subcommand_from status complete evidence metric dogfood report check roadmap bench init undo retract log sync export import completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from roadmap" -f -a "import" -d 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from roadmap" -f -a "check" -d 'Validate the roadmap files in use and summarise them'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "cache" -d 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "routing" -d 'Model routing on real models\' recorded answers: APGR, CPT, accuracy, cost'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "paraphrase" -d 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "all" -d 'Both benchmarks on their defaults'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "runs" -d 'List stored benchmark runs'
complete -c beast -n "__fish_beast_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "legacy" -d 'The old tracker\'s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
