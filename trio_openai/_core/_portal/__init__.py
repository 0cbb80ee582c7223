"""The portal package: the generic engine of the blocking facade (see ``_portal._portal``).

``_portal`` holds `Portal` and `get_portal`, ``_runner`` the trio thread, ``_job`` one call in flight,
``_bridges`` the blocking iterator and context manager, ``_errors`` the portal's exceptions. This module
re-exports the names the rest of the package uses.
"""

from ._portal import DEFAULT_MISUSE_HINT as DEFAULT_MISUSE_HINT
from ._portal import BlockingCallInTrioError as BlockingCallInTrioError
from ._portal import BlockingContextManager as BlockingContextManager
from ._portal import BlockingIterator as BlockingIterator
from ._portal import CallInterruptedError as CallInterruptedError
from ._portal import CloseCallback as CloseCallback
from ._portal import Portal as Portal
from ._portal import PortalClosedError as PortalClosedError
from ._portal import PortalError as PortalError
from ._portal import get_portal as get_portal
