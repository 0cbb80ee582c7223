"""The ``trio_openai`` logger; ``OPENAI_LOG=debug|info|warning`` turns on a stderr handler."""

from __future__ import annotations

import logging
import os

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("trio_openai")
_configured = False


def setup_from_env() -> None:
    """Honour ``OPENAI_LOG`` once per process, as the official SDK does."""
    global _configured
    if _configured:
        return
    _configured = True
    level = os.environ.get("OPENAI_LOG", "").strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        return
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
        )
        logger.addHandler(handler)
    logger.setLevel(level)
