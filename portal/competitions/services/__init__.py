"""The rules for mini-competitions and placement requests, one module per stage: `drafting`
(drafting and publishing), `clarifications`, `quoting` (the provider's side), `evaluating`
(evaluation and moderation), `awarding` (award, standstill and feedback) and
`placement_requests` (what only a placement request has), over `common` (the error, the clock,
the state machines)."""
