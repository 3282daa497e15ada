
use builtin;
use str;

set edit:completion:arg-completer[beast] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'beast'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'beast'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Where the team stands: position, progress, month tasks, metrics, dog food'
            cand complete 'Mark a roadmap task done, record ad-hoc work, or undo a completion'
            cand evidence 'Attach evidence to a completion: a commit, a URL, or a file of the repository'
            cand metric 'Record a metric reading, show a metric''s history, or list the catalog'
            cand dogfood 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)'
            cand report 'The full report, for CI: `beast report > report.json`'
            cand check 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI'
            cand roadmap 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one'
            cand bench 'Measure cache and routing metrics on a reproducible workload and record them'
            cand init 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)'
            cand undo 'Take back your last action: retract your last record, or restore what your last undo or retraction took back'
            cand retract 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)'
            cand log 'The events of the history, newest first, with ids for `beast retract`'
            cand sync 'Fetch the team''s history, merge yours in, and push it with --push'
            cand export 'Write the history''s events as JSON lines (the event log''s format)'
            cand import 'Merge events from a `beast export` file (or, with `legacy`, the old tracker''s file) into this history'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;status'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the same document as `beast report` instead of the screen'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;complete'= {
            cand --note 'A note kept with the completion'
            cand --evidence 'Proof the work exists: a commit, a path in the repository, or a URL (repeatable; see `beast evidence --help`)'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --adhoc 'Record unplanned work; it is listed but never counted in roadmap progress'
            cand --undo 'Undo the task''s completion (it stays in the history as undone)'
            cand --json 'Print what was recorded as JSON'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;evidence'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print what was recorded as JSON'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;metric'= {
            cand --note 'A note kept with the reading'
            cand --at 'When the value was measured (YYYY-MM-DD or RFC 3339) [default: now]'
            cand --source 'Where the value comes from, e.g. manual, grafana, ci'
            cand --limit 'How many readings the history shows'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print JSON: the reading recorded, the history, or the catalog'
            cand --force 'Accept a --at before the roadmap''s start (2026-01-01)'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;dogfood'= {
            cand --note 'A note kept with the event'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --manual 'The work was done without BEAST MODE (counts against the generated share)'
            cand --json 'Print JSON: what was recorded, or the shares'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;report'= {
            cand --format 'Output format'
            cand --label 'OpenMetrics: a label every sample carries, after `project` (repeatable), e.g. --label team=search'
            cand -o 'Write to FILE (atomically: readers never see half a file) instead of stdout'
            cand --output 'Write to FILE (atomically: readers never see half a file) instead of stdout'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --compact 'JSON on one line instead of indented'
            cand --json 'The JSON report (the default; for symmetry with `status --json`)'
            cand --timestamps 'OpenMetrics: stamp each series'' value with when it was measured (node_exporter''s textfile collector and Pushgateway refuse timestamps; Prometheus scraping a file server does not)'
            cand --summary 'Append the Markdown report to the file $GITHUB_STEP_SUMMARY names (a GitHub Actions job summary)'
            cand --schema 'Print the JSON Schema of the JSON report and exit'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;check'= {
            cand --rules 'Rules to run, comma-separated: regression, behind, overdue, pace, unverified, target_unmet [default: all]'
            cand --fail-on 'Rules that fail the check, comma-separated; the others warn [default: regression]'
            cand --min-change 'The smallest change from the regime''s median that counts as a regression, in percent'
            cand --metric-min-change 'The smallest change for one metric: NAME=PCT (repeatable)'
            cand --window 'How many earlier readings of a series are searched for its regime [default: 64]'
            cand --min-samples 'Fewer readings in the regime give no verdict [default: 5]'
            cand --warn-sigma 'The warn bound, in robust spreads from the regime''s median [default: 2.5]'
            cand --fail-sigma 'The bound one reading alone fails past, on a series with no one-off excursions [default: 6]'
            cand --confirm 'Readings in a row beyond the warn bound that fail [default: 2]'
            cand --boundary 'Older form of --warn-sigma: a one-sided confidence such as 0.999'
            cand --grace 'Days after a block''s last week before its open tasks are overdue [default: 3]'
            cand --since 'Judge the newest readings against each series as of this date (YYYY-MM-DD) or revision of the history (refs/beast/history), instead of against the readings before them'
            cand --format 'Output format'
            cand --summary 'Also append a Markdown table to this file [default under GitHub Actions: $GITHUB_STEP_SUMMARY]'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Same as --format json'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;roadmap'= {
            cand --year 'Show one year (1, 3, 4 …)'
            cand --quarter 'Show one quarter (1–4) of --year, or of the current year'
            cand --month 'Show one month (1–48) in detail'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand import 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
            cand check 'Validate the roadmap files in use and summarise them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;roadmap;import'= {
            cand -o 'Write the TOML here instead of stdout'
            cand --output 'Write the TOML here instead of stdout'
            cand --name 'With -o: also write roadmap.toml beside it, naming the roadmap'
            cand --start 'With -o: also write roadmap.toml beside it, with the roadmap''s first month (YYYY-MM)'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;roadmap;check'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print JSON: {"years": [...]} with done marks (browse), or the summary (check)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;roadmap;help'= {
            cand import 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
            cand check 'Validate the roadmap files in use and summarise them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;roadmap;help;import'= {
        }
        &'beast;roadmap;help;check'= {
        }
        &'beast;roadmap;help;help'= {
        }
        &'beast;bench'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand -h 'Print help'
            cand --help 'Print help'
            cand cache 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
            cand routing 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost'
            cand paraphrase 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
            cand all 'Both benchmarks on their defaults'
            cand runs 'List stored benchmark runs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;bench;cache'= {
            cand --seed 'Seed of the workload and simulations; same seed, same counts and rates'
            cand --trace 'Replay a JSON-lines trace: {"t": <seconds>, "prompt": "…", "intent": "…"}'
            cand --requests 'Size of the built-in workload (requests, history included)'
            cand --tiers 'Custom configuration: number of tiers'
            cand --l1-capacity 'Custom configuration: L1 capacity in entries'
            cand --threshold 'Custom configuration: semantic similarity threshold, 0–1'
            cand --thresholds 'Compare these thresholds side by side (records nothing)'
            cand --matcher 'What judges similarity: tfidf (built in) or embedding (a sentence-embedding model)'
            cand --model 'The embedding model directory (config.json, tokenizer.json, model.safetensors) [default: embedding_model in .beast/config.toml]'
            cand --precision 'The embedding model''s arithmetic: f32 (its own weights) or int8 (faster)'
            cand --max-false-rate 'Learn each semantic configuration''s threshold so that at most this share of hits (0–1, e.g. 0.05) answers a different question; needs intents [default with --matcher embedding: 0.1, unless --threshold is given]'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the results as JSON: {"runs": [...], "recorded": ...}'
            cand --no-record 'Do not write the results as metric readings'
            cand -q 'Print nothing on success (a CI step that only records)'
            cand --quiet 'Print nothing on success (a CI step that only records)'
            cand --exact-only 'Custom configuration: exact matching only'
            cand --no-ttl 'Custom configuration: entries never expire'
            cand --no-warm 'Custom configuration: no cache warming'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'beast;bench;routing'= {
            cand --seed 'Seed of the workload and simulations; same seed, same counts and rates'
            cand --outcomes 'Recorded outcomes to route on, as published: RouteLLM''s per-benchmark CSV (prompt, True/False per model) or RouterBench''s (sample_id, prompt, eval_name, a score and a |total_cost per model); repeat for several files of the same models'
            cand --exclude 'Prompts to leave out, as RouteLLM''s contaminated_prompts.jsonl lists them'
            cand --weak 'The cheaper model routed from (default: the cheapest, else the least accurate)'
            cand --strong 'The better model routed to (default: the most accurate other)'
            cand --splits 'Seeded train/test splits to average over'
            cand --dataset 'With --modelled: a JSON-lines request set of the same shape as data/routing.jsonl'
            cand --record-selector 'With --modelled: the selector whose figures become readings'
            cand --write-dataset 'Generate the modelled request set from --seed into FILE and exit'
            cand --rows 'Rows to generate with --write-dataset'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the results as JSON: {"runs": [...], "recorded": ...}'
            cand --no-record 'Do not write the results as metric readings'
            cand -q 'Print nothing on success (a CI step that only records)'
            cand --quiet 'Print nothing on success (a CI step that only records)'
            cand --modelled 'The modelled fleet (data/models.toml) and its generated requests instead of recorded answers'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;bench;paraphrase'= {
            cand --matcher 'Matchers to compare'
            cand --thresholds 'Thresholds to try [default: a sweep around each matcher''s default]'
            cand --max-false-rate 'Also learn each matcher''s threshold for at most this share of false hits (0–1) [default: 0.1 for the embedding matcher, none for TF-IDF]'
            cand --model 'The embedding model directory [default: embedding_model in .beast/config.toml]'
            cand --precision 'The embedding model''s arithmetic: f32 (its own weights) or int8 (faster)'
            cand --pairs 'Labelled pairs to evaluate on instead of the built-in ones: a Quora, PAWS or MRPC file, GPTCache''s mock_data.json, or any table or JSON of two texts and a 1/0 label'
            cand --limit 'Read at most the file''s first N pairs'
            cand --near-misses 'Near misses to add, as a share of requests (0–0.5) [default: the built-in workload''s when the pairs label no non-duplicates, else 0]'
            cand --seed 'Seed of the shuffle and the near misses'
            cand --write-trace 'Write the trace (JSON lines, for `beast bench cache --trace`) and stop'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the rows as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'beast;bench;all'= {
            cand --seed 'Seed of the workload and simulations; same seed, same counts and rates'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the results as JSON: {"runs": [...], "recorded": ...}'
            cand --no-record 'Do not write the results as metric readings'
            cand -q 'Print nothing on success (a CI step that only records)'
            cand --quiet 'Print nothing on success (a CI step that only records)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;bench;runs'= {
            cand --limit 'How many runs to list'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the runs as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;bench;help'= {
            cand cache 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
            cand routing 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost'
            cand paraphrase 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
            cand all 'Both benchmarks on their defaults'
            cand runs 'List stored benchmark runs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;bench;help;cache'= {
        }
        &'beast;bench;help;routing'= {
        }
        &'beast;bench;help;paraphrase'= {
        }
        &'beast;bench;help;all'= {
        }
        &'beast;bench;help;runs'= {
        }
        &'beast;bench;help;help'= {
        }
        &'beast;init'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand --json 'Print what was set up as JSON ({"dir", "created"})'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;undo'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand -y 'Do not ask, even on a terminal'
            cand --yes 'Do not ask, even on a terminal'
            cand --dry-run 'Show what undo would change, and change nothing'
            cand --json 'Print what was retracted as JSON'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;retract'= {
            cand --reason 'Why, kept with the retraction'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print what was retracted as JSON'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;log'= {
            cand --limit 'How many events to show'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print the events as JSON: each with its id, state and line of the log'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;sync'= {
            cand --remote 'The remote to sync with (default: origin, else the only remote)'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --push 'Push the history after merging'
            cand --json 'Print what was done as JSON'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;export'= {
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --since 'Only events recorded on or after this date (YYYY-MM-DD or RFC 3339)'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand -q 'With -o: print nothing on success'
            cand --quiet 'With -o: print nothing on success'
            cand --json 'With -o: print what was written as JSON ({"path", "events"}); without -o the output is JSON already (the events, one object per line)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;import'= {
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --json 'Print what was imported as JSON ({"read", "added"})'
            cand -q 'Print nothing on success'
            cand --quiet 'Print nothing on success'
            cand -h 'Print help'
            cand --help 'Print help'
            cand legacy 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;import;legacy'= {
            cand --map 'TOML overrides: "legacy name" = "Roadmap title" (or = "adhoc")'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --dry-run 'Show what would be imported; write nothing'
            cand --json 'Print the mapping as JSON ({"mapped", "adhoc", "skipped", "readings", "dogfood"})'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;import;help'= {
            cand legacy 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;import;help;legacy'= {
        }
        &'beast;import;help;help'= {
        }
        &'beast;completions'= {
            cand --out-dir 'Write the scripts for every shell into this directory instead'
            cand --db 'A personal database file instead of the project''s history [default: the project''s .beast/ if there is one, else the user''s data directory, e.g. ~/.local/share/beast/beast.db]'
            cand --project 'The project whose history to use (a repository holding .beast/) [default: found by walking up from the working directory]'
            cand --author 'Who records [default: the project''s config, else `git config user.email`, else the user name]'
            cand --roadmap 'Load the roadmap from this directory instead of the built-in one'
            cand --today 'Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time'
            cand --color 'When to use colour'
            cand --man 'Print the man page (roff) instead'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'beast;help'= {
            cand status 'Where the team stands: position, progress, month tasks, metrics, dog food'
            cand complete 'Mark a roadmap task done, record ad-hoc work, or undo a completion'
            cand evidence 'Attach evidence to a completion: a commit, a URL, or a file of the repository'
            cand metric 'Record a metric reading, show a metric''s history, or list the catalog'
            cand dogfood 'Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)'
            cand report 'The full report, for CI: `beast report > report.json`'
            cand check 'Fail (exit 5) on a regression, and warn about a roadmap off track: for CI'
            cand roadmap 'Browse the roadmap (whole, a year, a quarter or a month), check it, or import one'
            cand bench 'Measure cache and routing metrics on a reproducible workload and record them'
            cand init 'Start a project history in this git repository (.beast/config.toml and refs/beast/history)'
            cand undo 'Take back your last action: retract your last record, or restore what your last undo or retraction took back'
            cand retract 'Take back any record by its id (shown by `beast log` and `beast metric NAME`)'
            cand log 'The events of the history, newest first, with ids for `beast retract`'
            cand sync 'Fetch the team''s history, merge yours in, and push it with --push'
            cand export 'Write the history''s events as JSON lines (the event log''s format)'
            cand import 'Merge events from a `beast export` file (or, with `legacy`, the old tracker''s file) into this history'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'beast;help;status'= {
        }
        &'beast;help;complete'= {
        }
        &'beast;help;evidence'= {
        }
        &'beast;help;metric'= {
        }
        &'beast;help;dogfood'= {
        }
        &'beast;help;report'= {
        }
        &'beast;help;check'= {
        }
        &'beast;help;roadmap'= {
            cand import 'Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML'
            cand check 'Validate the roadmap files in use and summarise them'
        }
        &'beast;help;roadmap;import'= {
        }
        &'beast;help;roadmap;check'= {
        }
        &'beast;help;bench'= {
            cand cache 'The multi-tier semantic cache: hit rates, false hits, lookup latency'
            cand routing 'Model routing on real models'' recorded answers: APGR, CPT, accuracy, cost'
            cand paraphrase 'Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)'
            cand all 'Both benchmarks on their defaults'
            cand runs 'List stored benchmark runs'
        }
        &'beast;help;bench;cache'= {
        }
        &'beast;help;bench;routing'= {
        }
        &'beast;help;bench;paraphrase'= {
        }
        &'beast;help;bench;all'= {
        }
        &'beast;help;bench;runs'= {
        }
        &'beast;help;init'= {
        }
        &'beast;help;undo'= {
        }
        &'beast;help;retract'= {
        }
        &'beast;help;log'= {
        }
        &'beast;help;sync'= {
        }
        &'beast;help;export'= {
        }
        &'beast;help;import'= {
            cand legacy 'The old tracker''s progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning'
        }
        &'beast;help;import;legacy'= {
        }
        &'beast;help;completions'= {
        }
        &'beast;help;help'= {
        }
    ]
    $completions[$command]
}
