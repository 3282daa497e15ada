
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'beast' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'beast'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'beast' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the team stands: position, progress, month tasks, metrics, dog food')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Mark a roadmap task done, record ad-hoc work, or undo a completion')
            [CompletionResult]::new('evidence', 'evidence', [CompletionResultType]::ParameterValue, 'Attach evidence to a completion: a commit, a URL, or a file of the repository')
            [CompletionResult]::new('metric', 'metric', [CompletionResultType]::ParameterValue, 'Record a metric reading, show a metric''s history, or list the catalog')
            [CompletionResult]::new('dogfood', 'dogfood', [CompletionResultType]::ParameterValue, 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The full report, for CI: `beast report > report.json`')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI')
            [CompletionResult]::new('roadmap', 'roadmap', [CompletionResultType]::ParameterValue, 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure cache and routing metrics on a reproducible workload and record them')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Take back your last action: retract your last record, or restore what your last undo or retraction took back')
            [CompletionResult]::new('retract', 'retract', [CompletionResultType]::ParameterValue, 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The events of the history, newest first, with ids for `beast retract`')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the team''s history, merge yours in, and push it with --push')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the history''s events as JSON lines (the event log''s format)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge events from a `beast export` file (or, with `legacy`, the old tracker''s file) into this history')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the same document as `beast report` instead of the screen')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;complete' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note kept with the completion')
            [CompletionResult]::new('--evidence', '--evidence', [CompletionResultType]::ParameterName, 'Proof the work exists: a commit, a path in the repository, or a URL (repeatable; see `beast evidence --help`)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--adhoc', '--adhoc', [CompletionResultType]::ParameterName, 'Record unplanned work; it is listed but never counted in roadmap progress')
            [CompletionResult]::new('--undo', '--undo', [CompletionResultType]::ParameterName, 'Undo the task''s completion (it stays in the history as undone)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was recorded as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;evidence' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was recorded as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;metric' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note kept with the reading')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When the value was measured (YYYY-MM-DD or RFC 3339) [default: now]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Where the value comes from, e.g. manual, grafana, ci')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many readings the history shows')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: the reading recorded, the history, or the catalog')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Accept a --at before the roadmap''s start (2026-01-01)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;dogfood' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note kept with the event')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--manual', '--manual', [CompletionResultType]::ParameterName, 'The work was done without BEAST MODE (counts against the generated share)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: what was recorded, or the shares')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;report' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'OpenMetrics: a label every sample carries, after `project` (repeatable), e.g. --label team=search')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE (atomically: readers never see half a file) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE (atomically: readers never see half a file) instead of stdout')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'JSON on one line instead of indented')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The JSON report (the default; for symmetry with `status --json`)')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'OpenMetrics: stamp each series'' value with when it was measured (node_exporter''s textfile collector and Pushgateway refuse timestamps; Prometheus scraping a file server does not)')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Append the Markdown report to the file $GITHUB_STEP_SUMMARY names (a GitHub Actions job summary)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Print the JSON Schema of the JSON report and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;check' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Rules to run, comma-separated: regression, behind, overdue, pace, unverified, target_unmet [default: all]')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Rules that fail the check, comma-separated; the others warn [default: regression]')
            [CompletionResult]::new('--min-change', '--min-change', [CompletionResultType]::ParameterName, 'The smallest change from the regime''s median that counts as a regression, in percent')
            [CompletionResult]::new('--metric-min-change', '--metric-min-change', [CompletionResultType]::ParameterName, 'The smallest change for one metric: NAME=PCT (repeatable)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'How many earlier readings of a series are searched for its regime [default: 64]')
            [CompletionResult]::new('--min-samples', '--min-samples', [CompletionResultType]::ParameterName, 'Fewer readings in the regime give no verdict [default: 5]')
            [CompletionResult]::new('--warn-sigma', '--warn-sigma', [CompletionResultType]::ParameterName, 'The warn bound, in robust spreads from the regime''s median [default: 2.5]')
            [CompletionResult]::new('--fail-sigma', '--fail-sigma', [CompletionResultType]::ParameterName, 'The bound one reading alone fails past, on a series with no one-off excursions [default: 6]')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'Readings in a row beyond the warn bound that fail [default: 2]')
            [CompletionResult]::new('--boundary', '--boundary', [CompletionResultType]::ParameterName, 'Older form of --warn-sigma: a one-sided confidence such as 0.999')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Days after a block''s last week before its open tasks are overdue [default: 3]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Judge the newest readings against each series as of this date (YYYY-MM-DD) or revision of the history (refs/beast/history), instead of against the readings before them')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Also append a Markdown table to this file [default under GitHub Actions: $GITHUB_STEP_SUMMARY]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;roadmap' {
            [CompletionResult]::new('--year', '--year', [CompletionResultType]::ParameterName, 'Show one year (1, 3, 4 …)')
            [CompletionResult]::new('--quarter', '--quarter', [CompletionResultType]::ParameterName, 'Show one quarter (1–4) of --year, or of the current year')
            [CompletionResult]::new('--month', '--month', [CompletionResultType]::ParameterName, 'Show one month (1–48) in detail')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the roadmap files in use and summarise them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;roadmap;import' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the TOML here instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the TOML here instead of stdout')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'With -o: also write roadmap.toml beside it, naming the roadmap')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'With -o: also write roadmap.toml beside it, with the roadmap''s first month (YYYY-MM)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;roadmap;check' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;roadmap;help' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the roadmap files in use and summarise them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;roadmap;help;import' {
            break
        }
        'beast;roadmap;help;check' {
            break
        }
        'beast;roadmap;help;help' {
            break
        }
        'beast;bench' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The multi-tier semantic cache: hit rates, false hits, lookup latency')
            [CompletionResult]::new('routing', 'routing', [CompletionResultType]::ParameterValue, 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost')
            [CompletionResult]::new('paraphrase', 'paraphrase', [CompletionResultType]::ParameterValue, 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'Both benchmarks on their defaults')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'List stored benchmark runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;bench;cache' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the workload and simulations; same seed, same counts and rates')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Replay a JSON-lines trace: {"t": <seconds>, "prompt": "…", "intent": "…"}')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Size of the built-in workload (requests, history included)')
            [CompletionResult]::new('--tiers', '--tiers', [CompletionResultType]::ParameterName, 'Custom configuration: number of tiers')
            [CompletionResult]::new('--l1-capacity', '--l1-capacity', [CompletionResultType]::ParameterName, 'Custom configuration: L1 capacity in entries')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Custom configuration: semantic similarity threshold, 0–1')
            [CompletionResult]::new('--thresholds', '--thresholds', [CompletionResultType]::ParameterName, 'Compare these thresholds side by side (records nothing)')
            [CompletionResult]::new('--matcher', '--matcher', [CompletionResultType]::ParameterName, 'What judges similarity: tfidf (built in) or embedding (a sentence-embedding model)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The embedding model directory (config.json, tokenizer.json, model.safetensors) [default: embedding_model in .beast/config.toml]')
            [CompletionResult]::new('--precision', '--precision', [CompletionResultType]::ParameterName, 'The embedding model''s arithmetic: f32 (its own weights) or int8 (faster)')
            [CompletionResult]::new('--max-false-rate', '--max-false-rate', [CompletionResultType]::ParameterName, 'Learn each semantic configuration''s threshold so that at most this share of hits (0–1, e.g. 0.05) answers a different question; needs intents [default with --matcher embedding: 0.1, unless --threshold is given]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the results as JSON: {"runs": [...], "recorded": ...}')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not write the results as metric readings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('--exact-only', '--exact-only', [CompletionResultType]::ParameterName, 'Custom configuration: exact matching only')
            [CompletionResult]::new('--no-ttl', '--no-ttl', [CompletionResultType]::ParameterName, 'Custom configuration: entries never expire')
            [CompletionResult]::new('--no-warm', '--no-warm', [CompletionResultType]::ParameterName, 'Custom configuration: no cache warming')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'beast;bench;routing' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the workload and simulations; same seed, same counts and rates')
            [CompletionResult]::new('--outcomes', '--outcomes', [CompletionResultType]::ParameterName, 'Recorded outcomes to route on, as published: RouteLLM''s per-benchmark CSV (prompt, True/False per model) or RouterBench''s (sample_id, prompt, eval_name, a score and a |total_cost per model); repeat for several files of the same models')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Prompts to leave out, as RouteLLM''s contaminated_prompts.jsonl lists them')
            [CompletionResult]::new('--weak', '--weak', [CompletionResultType]::ParameterName, 'The cheaper model routed from (default: the cheapest, else the least accurate)')
            [CompletionResult]::new('--strong', '--strong', [CompletionResultType]::ParameterName, 'The better model routed to (default: the most accurate other)')
            [CompletionResult]::new('--splits', '--splits', [CompletionResultType]::ParameterName, 'Seeded train/test splits to average over')
            [CompletionResult]::new('--dataset', '--dataset', [CompletionResultType]::ParameterName, 'With --modelled: a JSON-lines request set of the same shape as data/routing.jsonl')
            [CompletionResult]::new('--record-selector', '--record-selector', [CompletionResultType]::ParameterName, 'With --modelled: the selector whose figures become readings')
            [CompletionResult]::new('--write-dataset', '--write-dataset', [CompletionResultType]::ParameterName, 'Generate the modelled request set from --seed into FILE and exit')
            [CompletionResult]::new('--rows', '--rows', [CompletionResultType]::ParameterName, 'Rows to generate with --write-dataset')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the results as JSON: {"runs": [...], "recorded": ...}')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not write the results as metric readings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('--modelled', '--modelled', [CompletionResultType]::ParameterName, 'The modelled fleet (data/models.toml) and its generated requests instead of recorded answers')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;bench;paraphrase' {
            [CompletionResult]::new('--matcher', '--matcher', [CompletionResultType]::ParameterName, 'Matchers to compare')
            [CompletionResult]::new('--thresholds', '--thresholds', [CompletionResultType]::ParameterName, 'Thresholds to try [default: a sweep around each matcher''s default]')
            [CompletionResult]::new('--max-false-rate', '--max-false-rate', [CompletionResultType]::ParameterName, 'Also learn each matcher''s threshold for at most this share of false hits (0–1) [default: 0.1 for the embedding matcher, none for TF-IDF]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The embedding model directory [default: embedding_model in .beast/config.toml]')
            [CompletionResult]::new('--precision', '--precision', [CompletionResultType]::ParameterName, 'The embedding model''s arithmetic: f32 (its own weights) or int8 (faster)')
            [CompletionResult]::new('--pairs', '--pairs', [CompletionResultType]::ParameterName, 'Labelled pairs to evaluate on instead of the built-in ones: a Quora, PAWS or MRPC file, GPTCache''s mock_data.json, or any table or JSON of two texts and a 1/0 label')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Read at most the file''s first N pairs')
            [CompletionResult]::new('--near-misses', '--near-misses', [CompletionResultType]::ParameterName, 'Near misses to add, as a share of requests (0–0.5) [default: the built-in workload''s when the pairs label no non-duplicates, else 0]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the shuffle and the near misses')
            [CompletionResult]::new('--write-trace', '--write-trace', [CompletionResultType]::ParameterName, 'Write the trace (JSON lines, for `beast bench cache --trace`) and stop')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the rows as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'beast;bench;all' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the workload and simulations; same seed, same counts and rates')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the results as JSON: {"runs": [...], "recorded": ...}')
            [CompletionResult]::new('--no-record', '--no-record', [CompletionResultType]::ParameterName, 'Do not write the results as metric readings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success (a CI step that only records)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;bench;runs' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many runs to list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the runs as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;bench;help' {
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The multi-tier semantic cache: hit rates, false hits, lookup latency')
            [CompletionResult]::new('routing', 'routing', [CompletionResultType]::ParameterValue, 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost')
            [CompletionResult]::new('paraphrase', 'paraphrase', [CompletionResultType]::ParameterValue, 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'Both benchmarks on their defaults')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'List stored benchmark runs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;bench;help;cache' {
            break
        }
        'beast;bench;help;routing' {
            break
        }
        'beast;bench;help;paraphrase' {
            break
        }
        'beast;bench;help;all' {
            break
        }
        'beast;bench;help;runs' {
            break
        }
        'beast;bench;help;help' {
            break
        }
        'beast;init' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was set up as JSON ({"dir", "created"})')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;undo' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask, even on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask, even on a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what undo would change, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was retracted as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;retract' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, kept with the retraction')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was retracted as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;log' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many events to show')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the events as JSON: each with its id, state and line of the log')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;sync' {
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The remote to sync with (default: origin, else the only remote)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'Push the history after merging')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was done as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;export' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events recorded on or after this date (YYYY-MM-DD or RFC 3339)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'With -o: print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'With -o: print nothing on success')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With -o: print what was written as JSON ({"path", "events"}); without -o the output is JSON already (the events, one object per line)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;import' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was imported as JSON ({"read", "added"})')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on success')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('legacy', 'legacy', [CompletionResultType]::ParameterValue, 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;import;legacy' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'TOML overrides: "legacy name" = "Roadmap title" (or = "adhoc")')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be imported; write nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the mapping as JSON ({"mapped", "adhoc", "skipped", "readings", "dogfood"})')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;import;help' {
            [CompletionResult]::new('legacy', 'legacy', [CompletionResultType]::ParameterValue, 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;import;help;legacy' {
            break
        }
        'beast;import;help;help' {
            break
        }
        'beast;completions' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write the scripts for every shell into this directory instead')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Who records [default: the project''s config, else `git config user.email`, else the user name]')
            [CompletionResult]::new('--roadmap', '--roadmap', [CompletionResultType]::ParameterName, 'Load the roadmap from this directory instead of the built-in one')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--man', '--man', [CompletionResultType]::ParameterName, 'Print the man page (roff) instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'beast;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the team stands: position, progress, month tasks, metrics, dog food')
            [CompletionResult]::new('complete', 'complete', [CompletionResultType]::ParameterValue, 'Mark a roadmap task done, record ad-hoc work, or undo a completion')
            [CompletionResult]::new('evidence', 'evidence', [CompletionResultType]::ParameterValue, 'Attach evidence to a completion: a commit, a URL, or a file of the repository')
            [CompletionResult]::new('metric', 'metric', [CompletionResultType]::ParameterValue, 'Record a metric reading, show a metric''s history, or list the catalog')
            [CompletionResult]::new('dogfood', 'dogfood', [CompletionResultType]::ParameterValue, 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The full report, for CI: `beast report > report.json`')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI')
            [CompletionResult]::new('roadmap', 'roadmap', [CompletionResultType]::ParameterValue, 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure cache and routing metrics on a reproducible workload and record them')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Take back your last action: retract your last record, or restore what your last undo or retraction took back')
            [CompletionResult]::new('retract', 'retract', [CompletionResultType]::ParameterValue, 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The events of the history, newest first, with ids for `beast retract`')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the team''s history, merge yours in, and push it with --push')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the history''s events as JSON lines (the event log''s format)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge events from a `beast export` file (or, with `legacy`, the old tracker''s file) into this history')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'beast;help;status' {
            break
        }
        'beast;help;complete' {
            break
        }
        'beast;help;evidence' {
            break
        }
        'beast;help;metric' {
            break
        }
        'beast;help;dogfood' {
            break
        }
        'beast;help;report' {
            break
        }
        'beast;help;check' {
            break
        }
        'beast;help;roadmap' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the roadmap files in use and summarise them')
            break
        }
        'beast;help;roadmap;import' {
            break
        }
        'beast;help;roadmap;check' {
            break
        }
        'beast;help;bench' {
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The multi-tier semantic cache: hit rates, false hits, lookup latency')
            [CompletionResult]::new('routing', 'routing', [CompletionResultType]::ParameterValue, 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost')
            [CompletionResult]::new('paraphrase', 'paraphrase', [CompletionResultType]::ParameterValue, 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'Both benchmarks on their defaults')
            [CompletionResult]::new('runs', 'runs', [CompletionResultType]::ParameterValue, 'List stored benchmark runs')
            break
        }
        'beast;help;bench;cache' {
            break
        }
        'beast;help;bench;routing' {
            break
        }
        'beast;help;bench;paraphrase' {
            break
        }
        'beast;help;bench;all' {
            break
        }
        'beast;help;bench;runs' {
            break
        }
        'beast;help;init' {
            break
        }
        'beast;help;undo' {
            break
        }
        'beast;help;retract' {
            break
        }
        'beast;help;log' {
            break
        }
        'beast;help;sync' {
            break
        }
        'beast;help;export' {
            break
        }
        'beast;help;import' {
            [CompletionResult]::new('legacy', 'legacy', [CompletionResultType]::ParameterValue, 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning')
            break
        }
        'beast;help;import;legacy' {
            break
        }
        'beast;help;completions' {
            break
        }
        'beast;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
