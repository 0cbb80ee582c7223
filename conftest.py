"""Root conftest: makes the package importable from a bare checkout and sets test-wide defaults."""

import os

# Tests never talk to the real API; a key must exist for clients built without one.
os.environ.setdefault("OPENAI_API_KEY", "sk-test-not-a-real-key")
for _var in ("OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
    os.environ.pop(_var, None)

# Every ```python block of README.md and docs/**/*.md is a test (Sybil): see tests/docs/sybil_setup.py.
from tests.docs.sybil_setup import sybil as _sybil  # noqa: E402

pytest_collect_file = _sybil.pytest()
