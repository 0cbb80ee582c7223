"""``python -m trio_openai``: the ``trio-openai`` command line."""

from ._cli import main

raise SystemExit(main())
