"""API resources (``client.models``, ``client.chat.completions`` ...)."""
