"""Hand-written helpers built on the client (``trio_openai.lib.concurrent``, ...)."""
