"""Tests for the incremental Server-Sent Events decoder (pure: no I/O)."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trio_openai._core._sse import ServerSentEvent, SSEDecoder

Summary = tuple[str, str, str, int | None]


def summarize(events: Iterable[ServerSentEvent]) -> list[Summary]:
    return [(e.event, e.data, e.id, e.retry) for e in events]


def decode(chunks: Iterable[bytes]) -> tuple[list[ServerSentEvent], SSEDecoder]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.end()
    return events, decoder


def decode_whole(stream: bytes) -> list[Summary]:
    return summarize(decode([stream])[0])


def cut(stream: bytes, positions: Sequence[int]) -> list[bytes]:
    bounds = [0, *sorted(positions), len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(bounds)]


def ev(data: str, event: str = "message", id: str = "", retry: int | None = None) -> Summary:
    return (event, data, id, retry)


# -- a small, obviously correct reference parser, straight from the WHATWG text ----------------------------


def reference(stream: bytes) -> tuple[list[Summary], str, int | None]:
    text = stream.decode("utf-8", "replace")
    text = text.removeprefix("\ufeff")
    pieces = re.split(r"\r\n|\r|\n", text)
    lines = pieces[:-1]  # the last piece is not terminated: discarded at EOF
    events: list[Summary] = []
    data, event_type, id_buffer, last_id = "", "", "", ""
    retry: int | None = None
    block_retry: int | None = None
    for line in lines:
        if line == "":
            last_id = id_buffer
            if data == "":
                event_type, block_retry = "", None
                continue
            data = data.removesuffix("\n")
            events.append((event_type or "message", data, last_id, block_retry))
            data, event_type, block_retry = "", "", None
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            field, value = line.split(":", 1)
            value = value.removeprefix(" ")
        else:
            field, value = line, ""
        if field == "event":
            event_type = value
        elif field == "data":
            data += value + "\n"
        elif field == "id":
            if "\0" not in value:
                id_buffer = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = block_retry = int(value)
    return events, last_id, retry


# -- one test per rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_each_line_end_works(eol: bytes) -> None:
    stream = b"event: e" + eol + b"data: a" + eol + b"data: b" + eol + eol
    assert decode_whole(stream) == [ev("a\nb", event="e")]


def test_mixed_line_ends() -> None:
    stream = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"
    assert decode_whole(stream) == [ev("a\nb\nc"), ev("d")]


def test_crlf_split_across_feeds_is_one_line_end() -> None:
    events, _ = decode([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"])
    assert summarize(events) == [ev("a\nb")]


def test_cr_then_empty_feed_then_lf_is_one_line_end() -> None:
    events, _ = decode([b"data: a\r", b"", b"\n", b"data: b\n\n"])
    assert summarize(events) == [ev("a\nb")]


def test_cr_then_cr_across_feeds_is_two_line_ends() -> None:
    events, _ = decode([b"data: a\r", b"\r"])
    assert summarize(events) == [ev("a")]


def test_leading_bom_is_skipped() -> None:
    assert decode_whole(b"\xef\xbb\xbfdata: x\n\n") == [ev("x")]
    # with the BOM the first field is "data"; a BOM left in would make it an unknown field
    assert decode_whole(b"\xef\xbb\xbfdata: x\n\n") == decode_whole(b"data: x\n\n")


def test_bom_split_across_feeds_is_skipped() -> None:
    events, _ = decode([b"\xef", b"\xbb", b"\xbfdata: x\n\n"])
    assert summarize(events) == [ev("x")]


def test_only_one_bom_is_skipped_and_only_at_the_start() -> None:
    assert decode_whole(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n") == []
    assert decode_whole(b"data: x\n\n\xef\xbb\xbfdata: y\n\n") == [ev("x")]


def test_short_stream_that_is_not_a_bom() -> None:
    events, _ = decode([b"\xef", b"\n", b"data: x\n\n"])
    assert summarize(events) == [ev("x")]


def test_comments_are_ignored() -> None:
    assert decode_whole(b": hello\n:\ndata: x\n: between\n\n") == [ev("x")]


def test_comments_only_stream_gives_nothing() -> None:
    assert decode_whole(b": ping\n\n: ping\n\n:\r\n\r\n") == []


def test_field_splits_at_first_colon_and_strips_one_space() -> None:
    assert decode_whole(b"data: a: b:c\n\n") == [ev("a: b:c")]


def test_data_without_space() -> None:
    assert decode_whole(b"data:x\n\n") == [ev("x")]


def test_data_with_two_spaces_keeps_one() -> None:
    assert decode_whole(b"data:  two\n\n") == [ev(" two")]


def test_field_without_colon_has_empty_value() -> None:
    assert decode_whole(b"data\n\n") == [ev("")]
    assert decode_whole(b"data\ndata\n\n") == [ev("\n")]
    assert decode_whole(b"event\ndata: x\n\n") == [ev("x")]


def test_event_sets_the_type_and_it_resets_after_dispatch() -> None:
    stream = b"event: delta\ndata: 1\n\ndata: 2\n\n"
    assert decode_whole(stream) == [ev("1", event="delta"), ev("2")]


def test_empty_event_field_means_message() -> None:
    assert decode_whole(b"event:\ndata: x\n\n") == [ev("x")]


def test_last_event_field_wins() -> None:
    assert decode_whole(b"event: a\nevent: b\ndata: x\n\n") == [ev("x", event="b")]


def test_data_lines_join_with_newline() -> None:
    assert decode_whole(b"data: a\ndata:\ndata: c\n\n") == [ev("a\n\nc")]


def test_empty_data_field_is_dispatched_with_empty_data() -> None:
    assert decode_whole(b"data:\n\n") == [ev("")]


def test_id_is_kept_across_events() -> None:
    stream = b"id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"
    assert decode_whole(stream) == [ev("a", id="7"), ev("b", id="7"), ev("c", id="")]


def test_id_with_nul_is_ignored() -> None:
    events, decoder = decode([b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"])
    assert summarize(events) == [ev("a", id="1"), ev("b", id="1")]
    assert decoder.last_event_id == "1"


def test_last_event_id_updates_at_blank_line_even_without_event() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 42\n") == []
    assert decoder.last_event_id == ""  # the buffer is set, the "last event ID string" not yet
    assert decoder.feed(b"\n") == []
    assert decoder.last_event_id == "42"
    assert summarize(decoder.feed(b"data: x\n\n")) == [ev("x", id="42")]


def test_id_in_a_dropped_partial_block_does_not_count() -> None:
    events, decoder = decode([b"id: 1\ndata: a\n\nid: 2\ndata: b\n"])
    assert summarize(events) == [ev("a", id="1")]
    assert decoder.last_event_id == "1"


def test_retry_sets_reconnection_time_on_decoder_and_event() -> None:
    decoder = SSEDecoder()
    assert decoder.retry is None
    assert decoder.feed(b"retry: 1500\n") == []
    assert decoder.retry == 1500  # set as soon as the line is parsed
    assert summarize(decoder.feed(b"data: x\n\ndata: y\n\n")) == [ev("x", retry=1500), ev("y")]
    assert decoder.retry == 1500


@pytest.mark.parametrize("value", [b"12a", b"-5", b"  5", b"5 ", b"1.5", b"", b"\xd9\xa3", b"+1"])
def test_retry_not_all_ascii_digits_is_ignored(value: bytes) -> None:
    events, decoder = decode([b"retry: 10\n\nretry:" + value + b"\ndata: x\n\n"])
    assert summarize(events) == [ev("x")]
    assert decoder.retry == 10


def test_retry_with_leading_zeros_and_one_space_stripped() -> None:
    events, decoder = decode([b"retry: 0050\ndata: x\n\n"])
    assert summarize(events) == [ev("x", retry=50)]
    assert decoder.retry == 50


def test_retry_in_block_without_data_updates_decoder_only() -> None:
    events, decoder = decode([b"retry: 3000\n\ndata: x\n\n"])
    assert summarize(events) == [ev("x")]
    assert decoder.retry == 3000


def test_unknown_fields_are_ignored() -> None:
    assert decode_whole(b"foo: bar\nDATA: no\ndata : no\ndata: yes\nx\n\n") == [ev("yes")]


def test_blank_line_with_empty_data_buffer_is_never_dispatched() -> None:
    stream = b"\n\n\nevent: ping\n\nid: 3\n\nretry: 5\n\n: c\n\n"
    events, decoder = decode([stream])
    assert events == []
    assert decoder.last_event_id == "3"
    assert decoder.retry == 5


def test_event_only_block_does_not_leak_its_type() -> None:
    assert decode_whole(b"event: ping\n\ndata: x\n\n") == [ev("x")]


def test_unterminated_final_event_is_dropped() -> None:
    decoder = SSEDecoder()
    assert summarize(decoder.feed(b"data: a\n\ndata: b\n")) == [ev("a")]
    assert decoder.end() == []
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a") == []
    assert decoder.end() == []


def test_final_unterminated_line_is_not_processed() -> None:
    events, decoder = decode([b"data: a\n\nretry: 99"])
    assert summarize(events) == [ev("a")]
    assert decoder.retry is None


def test_utf8_split_at_every_byte() -> None:
    stream = "data: héllo 🎉 wörld 中文\n\n".encode()
    expected = [ev("héllo 🎉 wörld 中文")]
    for i in range(len(stream) + 1):
        assert summarize(decode([stream[:i], stream[i:]])[0]) == expected
    assert summarize(decode([bytes([b]) for b in stream])[0]) == expected


def test_invalid_utf8_decodes_with_replacement() -> None:
    events = decode([b"event: \xff\ndata: a\xc3\ndata: \xe2\x82b\nid: \xfe\n\n"])[0]
    assert summarize(events) == [ev("a\ufffd\n\ufffdb", event="\ufffd", id="\ufffd")]
    assert events[0].data_bytes == b"a\xc3\n\xe2\x82b"


def test_data_bytes_are_raw_and_json_ready() -> None:
    payload = {"id": "chatcmpl-1", "choices": [{"delta": {"content": "hé 🎉"}}]}
    raw = json.dumps(payload, ensure_ascii=False).encode()
    (event,) = decode([b"data: " + raw + b"\n\n"])[0]
    assert event.data_bytes == raw
    assert isinstance(event.data_bytes, bytes)
    assert json.loads(event.data_bytes) == payload


def test_event_object_is_immutable_comparable_and_has_short_repr() -> None:
    event = ServerSentEvent("message", b"x" * 1000, "7", 10)
    assert event == ServerSentEvent("message", b"x" * 1000, "7", 10)
    assert event.data == "x" * 1000
    with pytest.raises(AttributeError):
        event.event = "other"  # type: ignore[misc]
    text = repr(event)
    assert len(text) < 120
    assert "event='message'" in text and "id='7'" in text and "retry=10" in text
    assert "xxx..." in text


def test_events_completed_by_one_feed_come_back_in_order() -> None:
    decoder = SSEDecoder()
    assert summarize(decoder.feed(b"data: 1\n\nevent: e\ndata: 2\n\nda")) == [ev("1"), ev("2", event="e")]
    assert summarize(decoder.feed(b"ta: 3\n\n")) == [ev("3")]


def test_fast_path_frames_respect_state_from_general_lines() -> None:
    stream = b"id: 5\ndata: a\n\nretry: 9\ndata: b\n\nevent: t\nevent: u\ndata: c\n\ndata: d\n\n"
    assert decode_whole(stream) == [
        ev("a", id="5"),
        ev("b", id="5", retry=9),
        ev("c", "u", "5"),
        ev("d", id="5"),
    ]


def test_fast_path_after_cr_lines() -> None:
    stream = b"data: a\r\rdata: b\n\ndata: c\n\n"
    assert decode_whole(stream) == [ev("a"), ev("b"), ev("c")]


def test_many_data_lines() -> None:
    stream = b"".join(b"data: %d\n" % i for i in range(10_000)) + b"\n"
    events, _ = decode(cut(stream, range(0, len(stream), 777)))
    assert summarize(events) == [ev("\n".join(str(i) for i in range(10_000)))]


def test_very_long_event_fed_in_small_chunks() -> None:
    payload = (b"0123456789abcdef" * 4096) * 64  # 4 MiB, one line
    stream = b"data: " + payload + b"\n\ndata: after\n\n"
    chunks = [stream[i : i + 4096] for i in range(0, len(stream), 4096)]
    events, _ = decode(chunks)
    assert [e.data_bytes for e in events] == [payload, b"after"]


def test_very_long_multiline_event() -> None:
    line = b"data: " + b"z" * 1_000_000 + b"\r\n"
    stream = line * 4 + b"\r\n"
    events, _ = decode(cut(stream, range(0, len(stream), 65536)))
    assert [len(e.data_bytes) for e in events] == [4 * 1_000_000 + 3]


# -- a corpus of awkward streams, checked against expectations and against every way of cutting them -------

CORPUS: list[tuple[str, bytes, list[Summary]]] = [
    ("comments_only", b":a\n:b\r\n:c\r\n\n", []),
    ("cr_only", b"event: e\rdata: 1\rdata: 2\r\rdata: 3\r\r", [ev("1\n2", "e"), ev("3")]),
    ("mixed_line_ends", b"data: 1\r\n\ndata: 2\r\r\ndata: 3\n\r", [ev("1"), ev("2"), ev("3")]),
    ("id_with_nul", b"id: ok\n\nid: \x00\ndata: x\n\n", [ev("x", id="ok")]),
    ("retry_non_numeric", b"retry: soon\ndata: x\n\n", [ev("x")]),
    ("field_without_colon", b"data\nevent\nid\nretry\n\n", [ev("")]),
    ("data_no_space", b"data:x\ndata:y\n\n", [ev("x\ny")]),
    ("data_two_spaces", b"data:  two\n\n", [ev(" two")]),
    ("empty_event_then_data", b"event: a\n\ndata: d\n\n", [ev("d")]),
    ("bom", b"\xef\xbb\xbfdata: bom\r\n\r\n", [ev("bom")]),
    ("trailing_partial_event", b"data: done\n\ndata: partial\ndata: more", [ev("done")]),
    ("emoji", "data: 👩‍👩‍👧 ✓\n\nevent: 🎉\ndata: 💥\n\n".encode(), [ev("👩‍👩‍👧 ✓"), ev("💥", "🎉")]),
    (
        "chat_with_done",
        b'data: {"a":1}\n\ndata: {"a":2}\n\n: keep-alive\n\ndata: [DONE]\n\n',
        [ev('{"a":1}'), ev('{"a":2}'), ev("[DONE]")],
    ),
    (
        "responses_style",
        b'event: response.created\ndata: {"x":1}\n\nevent: response.done\ndata: {}\n\n',
        [ev('{"x":1}', "response.created"), ev("{}", "response.done")],
    ),
    ("blank_lines_everywhere", b"\r\n\n\rdata: x\n\n\n\r\n", [ev("x")]),
    ("colon_in_value", b"data: a:b\nid: c:d\n\n", [ev("a:b", id="c:d")]),
    ("space_before_colon", b"data : no\ndata: yes\n\n", [ev("yes")]),
    ("event_cr_then_data_lf", b"event: a\rdata: b\ndata: c\n\n", [ev("b\nc", "a")]),
    ("data_cr_then_data_lf", b"data: a\rdata: b\n\n", [ev("a\nb")]),
    ("retry_then_event", b"retry: 100\nevent: t\ndata: x\n\ndata: y\n\n", [ev("x", "t", retry=100), ev("y")]),
]


@pytest.mark.parametrize(("stream", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_corpus(stream: bytes, expected: list[Summary]) -> None:
    assert decode_whole(stream) == expected
    assert reference(stream)[0] == expected
    assert summarize(decode([bytes([b]) for b in stream])[0]) == expected


@pytest.mark.parametrize(("stream", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_corpus_every_pair_of_cuts(stream: bytes, expected: list[Summary]) -> None:
    n = len(stream)
    for i in range(n + 1):
        for j in range(i, n + 1):
            got = summarize(decode([stream[:i], stream[i:j], stream[j:]])[0])
            assert got == expected, (i, j)


# -- generated streams ----------------------------------------------------------------------------------------

_text = st.text(
    alphabet=st.sampled_from(list('abc :xyz0123456789{}"\0é中🎉\ufeff')),
    max_size=12,
)
_raw = st.binary(max_size=6).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


def _field(name: str) -> st.SearchStrategy[bytes]:
    return _text.map(lambda v: f"{name}: {v}".encode()) | _text.map(lambda v: f"{name}:{v}".encode())


_line = st.one_of(
    _field("data"),
    _field("data"),
    _field("event"),
    _field("id"),
    _field("retry"),
    st.integers(0, 10**6).map(lambda i: b"retry: %d" % i),
    st.sampled_from([b"", b"", b"", b"data", b"event", b"id", b"retry", b":", b": comment", b"data:  x"]),
    st.sampled_from([b"id: a\x00b", b"retry: 1x", b"foo: bar", b"\xef\xbb\xbfdata: bom", b"data : sp"]),
    _text.map(str.encode),
    _raw,
    _raw.map(lambda b: b"data: " + b),
)
_eol = st.sampled_from([b"\n", b"\r", b"\r\n"])


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(_line, _eol), max_size=25))
    body = b"".join(line + eol for line, eol in lines)
    if draw(st.booleans()):
        body = b"\xef\xbb\xbf" + body
    return body + draw(st.sampled_from([b"", b"", b"data: tail", b"\r"]))


def _feed_all(stream: bytes, decoder_chunks: list[bytes]) -> tuple[list[Summary], str, int | None]:
    events, decoder = decode(decoder_chunks)
    return summarize(events), decoder.last_event_id, decoder.retry


_fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fast
@given(streams())
def test_generated_matches_reference(stream: bytes) -> None:
    assert _feed_all(stream, [stream]) == reference(stream)


@_fast
@given(streams())
def test_generated_byte_by_byte_matches_whole(stream: bytes) -> None:
    assert _feed_all(stream, [bytes([b]) for b in stream]) == _feed_all(stream, [stream])


@_fast
@given(streams(), st.data())
def test_generated_random_cuts_match_whole(stream: bytes, data: st.DataObject) -> None:
    positions = data.draw(st.lists(st.integers(0, len(stream)), max_size=12))
    assert _feed_all(stream, cut(stream, positions)) == _feed_all(stream, [stream])


@settings(max_examples=40, deadline=None)
@given(streams())
def test_generated_every_pair_of_cuts_matches_whole(stream: bytes) -> None:
    stream = stream[:80]
    whole = _feed_all(stream, [stream])
    n = len(stream)
    for i in range(n + 1):
        for j in range(i, n + 1):
            assert _feed_all(stream, [stream[:i], stream[i:j], stream[j:]]) == whole, (i, j)


def test_random_chat_like_stream_in_random_reads() -> None:
    rng = random.Random(1234)
    frames: list[bytes] = []
    for i in range(2000):
        body = json.dumps({"i": i, "content": "é🎉" * rng.randrange(5)}, ensure_ascii=False).encode()
        eol = rng.choice([b"\n", b"\r\n", b"\r"])
        prefix = rng.choice([b"", b"event: delta" + eol, b": ka" + eol, b"id: %d" % i + eol])
        frames.append(prefix + b"data: " + body + eol + eol)
    stream = b"".join(frames)
    whole = _feed_all(stream, [stream])
    assert len(whole[0]) == 2000
    assert whole == reference(stream)
    for _ in range(5):
        positions = [rng.randrange(len(stream)) for _ in range(rng.randrange(1, 3000))]
        assert _feed_all(stream, cut(stream, positions)) == whole


def test_retry_with_absurdly_many_digits_is_ignored() -> None:
    events, decoder = decode([b"retry: 7\n\nretry: " + b"9" * 10_000 + b"\ndata: x\n\n"])
    assert summarize(events) == [ev("x")]
    assert decoder.retry == 7


def test_many_distinct_event_types() -> None:
    stream = b"".join(b"event: t%d\ndata: %d\n\n" % (i, i) for i in range(1000))
    stream += b"".join(b"event:t%d\ndata: %d\n\n" % (i, i) for i in range(1000))  # general path
    events = decode_whole(stream)
    assert [e[0] for e in events] == [f"t{i}" for i in range(1000)] * 2


def test_decoder_repr_shows_state() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 9\nretry: 5\n\ndata: a\ndata: partial")
    assert repr(decoder) == "<SSEDecoder last_event_id='9' retry=5 buffered=13 bytes, 1 data lines>"


def test_end_discards_partial_state() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"event: e\ndata: a\ndata: b")
    assert decoder.end() == []
    assert summarize(decoder.feed(b"data: c\n\n")) == [ev("c")]


@pytest.mark.parametrize("eol", [b"\r", b"\r\n", b"\n"])
def test_many_frames_in_one_big_chunk(eol: bytes) -> None:
    # (Its speed, linear in the chunk size, is measured in benchmarks/sse_micro.py, not timed here.)
    stream = (b"event: e" + eol + b"data: " + b"x" * 100 + eol + eol) * 100_000
    events = SSEDecoder().feed(stream)
    assert len(events) == 100_000
    assert events[-1].event == "e" and events[-1].data_bytes == b"x" * 100
