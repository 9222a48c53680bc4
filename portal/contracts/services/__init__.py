"""The contracts domain's rules, one module per stage: `common` (the error, the workflows, the
loaders and making a contract), then each stage's own module."""
