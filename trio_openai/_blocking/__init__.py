"""The blocking facade's adapters: async pages, responses, streams and resources seen from blocking code.

Every class here wraps an async object from ``_core`` and runs its coroutines through the portal
(``_core._portal``); none of them implements a behaviour of its own.
"""
