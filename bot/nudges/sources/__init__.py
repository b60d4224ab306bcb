"""The kinds of nudge, one module per feature they come from: each defines its planning source
(a SELECT for `planning.Planner`) and its `kinds.Kind` (how it reads in the digest)."""
