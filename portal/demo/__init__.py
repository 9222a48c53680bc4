"""Demo data for `make run`: lots, two provider organisations, one account per role."""
