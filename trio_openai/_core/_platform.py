"""The ``X-Stainless-*`` platform headers the official SDK sends on every request (language, package
version, OS, architecture, Python runtime, async library), so servers and proxies see the same facts.

Computed once per process, on the first client built (``platform`` is not imported with the package).
A caller can override any of them, or remove one with ``omit``, through ``default_headers``.
"""

from __future__ import annotations

import functools

__all__ = ["platform_headers"]


@functools.cache
def _facts() -> tuple[tuple[str, str], ...]:
    import platform

    system = platform.system().lower()
    os_name = {
        "darwin": "MacOS",
        "linux": "Linux",
        "windows": "Windows",
        "freebsd": "FreeBSD",
        "openbsd": "OpenBSD",
        "ios": "iOS",
        "android": "Android",
    }.get(system, f"Other:{system}" if system else "Unknown")
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        arch = "x64"
    elif machine in ("i386", "i686", "x86"):
        arch = "x32"
    elif machine in ("aarch64", "arm64"):
        arch = "arm64"
    elif machine.startswith("arm"):
        arch = "arm"
    else:
        arch = f"other:{machine}" if machine else "unknown"
    return (
        ("X-Stainless-Lang", "python"),
        ("X-Stainless-OS", os_name),
        ("X-Stainless-Arch", arch),
        ("X-Stainless-Runtime", platform.python_implementation()),
        ("X-Stainless-Runtime-Version", platform.python_version()),
    )


def platform_headers(version: str, *, asynchronous: bool) -> dict[str, str]:
    """The headers, with ``version`` as the package version and ``X-Stainless-Async`` saying which
    surface sends them (``async:trio``, or ``false`` for the blocking client)."""
    headers = dict(_facts())
    headers["X-Stainless-Package-Version"] = version
    headers["X-Stainless-Async"] = "async:trio" if asynchronous else "false"
    return headers
