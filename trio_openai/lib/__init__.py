"""Hand-written helpers built on the client: stream accumulators (``lib.streaming``) and fetching
many listings or calls at once (``lib.concurrent``)."""
