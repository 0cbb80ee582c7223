"""Cached msgspec decoders: one per result type, built on first use."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["decode_json", "decoder_for", "DECODE_HOOK_ATTR"]

#: A class whose runtime annotation msgspec cannot handle directly may define this classmethod;
#: it receives the already-decoded builtins (dict, list, ...) and returns the value to use. The
#: generated types use it for tagged unions that fall back to an "unknown" variant.
DECODE_HOOK_ATTR = "__trio_openai_decode__"

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def _dec_hook(tp: type[Any], obj: Any) -> Any:
    hook = getattr(tp, DECODE_HOOK_ATTR, None)
    if hook is None:
        raise NotImplementedError(f"no decoder for {tp!r}")
    return hook(obj)


def decoder_for(tp: Any) -> msgspec.json.Decoder[Any]:
    """The cached JSON decoder for ``tp`` (a Struct, a generic alias, a union, ...)."""
    try:
        return _decoders[tp]
    except KeyError:
        dec = msgspec.json.Decoder(tp, dec_hook=_dec_hook)
        _decoders[tp] = dec
        return dec
    except TypeError:  # unhashable type expression: build it every time rather than fail
        return msgspec.json.Decoder(tp, dec_hook=_dec_hook)


def decode_json(data: bytes | str, tp: Any) -> Any:
    return decoder_for(tp).decode(data)


def convert(obj: Any, tp: Any) -> Any:
    """Convert decoded builtins into ``tp`` (used by fallback unions and page items)."""
    return msgspec.convert(obj, tp, dec_hook=_dec_hook)
