"""Hand-written helpers over the generated API: stream accumulators (and later structured outputs,
webhooks, polling)."""
