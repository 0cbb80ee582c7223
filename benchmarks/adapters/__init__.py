"""One module per client under test. Each exposes `open_adapter(base_url)`: a context manager (async for
the async clients) yielding an object with the same small set of operations, see `_contract.py`."""
