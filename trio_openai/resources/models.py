"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

from functools import cached_property
from typing import Unpack

from .._core._options import RequestOptions
from .._core._pagination import AsyncPage, AsyncPaginator
from .._core._request import path_param
from .._core._resource import (
    AsyncAPIResource,
    RawResponseWrapper,
    StreamedResponseWrapper,
    to_raw_response,
    to_streamed_response,
)
from .._core._sync_bridge import (
    SyncAPIResource,
    SyncResponseWrapper,
    to_sync,
    to_sync_list,
    to_sync_raw,
    to_sync_raw_list,
    to_sync_streamed,
    to_sync_streamed_list,
)
from ..types.model import Model, ModelDeleted

__all__ = ["AsyncModels", "Models"]


class AsyncModels(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def with_raw_response(self) -> AsyncModelsWithRawResponse:
        return AsyncModelsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncModelsWithStreamingResponse:
        return AsyncModelsWithStreamingResponse(self)

    async def retrieve(self, model: str, **options: Unpack[RequestOptions]) -> Model:
        """Get a model's basic information."""
        return await self._client._request(
            "get", f"/models/{path_param(model, 'model')}", cast_to=Model, options=options
        )

    def list(self, **options: Unpack[RequestOptions]) -> AsyncPaginator[Model, AsyncPage[Model]]:
        """The models available to you."""
        return self._client._get_api_list("/models", page=AsyncPage[Model], options=options)

    async def delete(self, model: str, **options: Unpack[RequestOptions]) -> ModelDeleted:
        """Delete a fine-tuned model you own."""
        return await self._client._request(
            "delete", f"/models/{path_param(model, 'model')}", cast_to=ModelDeleted, options=options
        )


class AsyncModelsWithRawResponse(RawResponseWrapper):
    retrieve = to_raw_response(AsyncModels.retrieve)
    list = to_raw_response(AsyncModels.list)
    delete = to_raw_response(AsyncModels.delete)


class AsyncModelsWithStreamingResponse(StreamedResponseWrapper):
    retrieve = to_streamed_response(AsyncModels.retrieve)
    list = to_streamed_response(AsyncModels.list)
    delete = to_streamed_response(AsyncModels.delete)


# --- blocking client (trio_openai.OpenAI) -------------------------------------------------------------
# One line per method: each runs the async method above in the portal (see _core/_sync_bridge.py).


class Models(SyncAPIResource[AsyncModels]):
    @cached_property
    def with_raw_response(self) -> ModelsWithRawResponse:
        return ModelsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ModelsWithStreamingResponse:
        return ModelsWithStreamingResponse(self)

    retrieve = to_sync(AsyncModels.retrieve)
    list = to_sync_list(AsyncModels.list)
    delete = to_sync(AsyncModels.delete)


class ModelsWithRawResponse(SyncResponseWrapper):
    retrieve = to_sync_raw(AsyncModels.retrieve)
    list = to_sync_raw_list(AsyncModels.list)
    delete = to_sync_raw(AsyncModels.delete)


class ModelsWithStreamingResponse(SyncResponseWrapper):
    retrieve = to_sync_streamed(AsyncModels.retrieve)
    list = to_sync_streamed_list(AsyncModels.list)
    delete = to_sync_streamed(AsyncModels.delete)
