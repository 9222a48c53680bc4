"""Development only: the processes `make run` and the tests start on this machine (SeaweedFS,
a local clamd) and the `flask dev serve` command. Production code never imports this package
(an import-linter contract in pyproject.toml keeps it so); only the app factory, when it
registers commands, and the tests and benchmarks do."""
