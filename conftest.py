"""Root conftest: makes the package importable from a bare checkout and sets test-wide defaults."""

import os

# Tests never talk to the real API; a key must exist for clients built without one.
os.environ.setdefault("OPENAI_API_KEY", "sk-test-not-a-real-key")
for _var in ("OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
    os.environ.pop(_var, None)
