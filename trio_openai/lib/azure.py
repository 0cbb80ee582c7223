"""Azure OpenAI clients, at the official SDK's module path.

``AsyncAzureOpenAI`` (trio) and ``AzureOpenAI`` (blocking): the ordinary clients configured for Azure
(endpoint, API version, ``api-key`` or Microsoft Entra ID token, deployment-based paths). See the Azure
guide in the docs. ``import trio_openai`` does not load this module; ``trio_openai.AzureOpenAI`` does.
"""

from ._azure import AsyncAzureADTokenProvider as AsyncAzureADTokenProvider
from ._azure import AsyncAzureOpenAI as AsyncAzureOpenAI
from ._azure import AzureADTokenProvider as AzureADTokenProvider
from ._azure import AzureOpenAI as AzureOpenAI
from ._azure_auth import MutuallyExclusiveAuthError as MutuallyExclusiveAuthError

__all__ = [
    "AsyncAzureADTokenProvider",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AzureOpenAI",
    "MutuallyExclusiveAuthError",
]

for _name in ("AsyncAzureOpenAI", "AzureOpenAI", "MutuallyExclusiveAuthError"):
    globals()[_name].__module__ = __name__  # reprs, tracebacks and pickles show the official path
del _name
