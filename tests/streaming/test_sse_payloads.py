"""SSEDecoder.feed_payloads (the fast path AsyncStream uses) against SSEDecoder.feed, and in_event."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from trio_openai._core._sse import SSEDecoder

Event = tuple[str, bytes, str]


def via_feed(chunks: list[bytes]) -> tuple[list[Event], str, bool]:
    decoder = SSEDecoder()
    out = [(e.event, e.data_bytes, e.id) for chunk in chunks for e in decoder.feed(chunk)]
    return out, decoder.last_event_id, decoder.in_event


def via_payloads(chunks: list[bytes]) -> tuple[list[Event], str, bool, int]:
    decoder = SSEDecoder()
    out: list[Event] = []
    fast = 0
    for chunk in chunks:
        payloads, events = decoder.feed_payloads(chunk)
        out += [(e.event, e.data_bytes, e.id) for e in events]  # the events come first
        if payloads is not None:
            fast += 1
            out += [("message", p, decoder.last_event_id) for p in payloads]
    return out, decoder.last_event_id, decoder.in_event, fast


def cut(stream: bytes, positions: list[int]) -> list[bytes]:
    bounds = [0, *sorted(p % (len(stream) + 1) for p in positions), len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(bounds)]


def test_plain_frames_take_the_fast_path_whatever_the_cuts() -> None:
    stream = b"".join(b'data: {"n": %d}\n\n' % i for i in range(200))
    for size in (1, 7, 64, 1000, 4096, len(stream)):
        chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
        events, last_id, in_event, fast = via_payloads(chunks)
        assert (events, last_id, in_event) == via_feed(chunks)
        assert [e[1] for e in events] == [b'{"n": %d}' % i for i in range(200)]
        assert not in_event
        # The first chunk (start of stream) goes the slow way, and so does a chunk that starts inside
        # a block (cut right after a data line's LF) or holds no frame end at all.
        if size >= 1000:
            assert fast >= len(chunks) - 3
        elif size == 64:
            assert fast >= len(chunks) // 2


def test_an_odd_start_sends_only_its_first_frame_the_general_way() -> None:
    # The first read of a stream (the BOM check) and a read that starts inside a frame (cut between
    # the two LFs of its end) used to go wholly through the general parser; now only up to their first
    # blank line does, and the rest of the read is payloads.
    stream = b"".join(b'data: {"n": %d}\n\n' % i for i in range(400))
    lf = stream.index(b"\n\n", 3000) + 1  # between the two LFs
    chunks = [stream[:lf], stream[lf:6000], stream[6000:]]
    decoder = SSEDecoder()
    general: list[int] = []
    payload_counts: list[int] = []
    data: list[bytes] = []
    for chunk in chunks:
        payloads, events = decoder.feed_payloads(chunk)
        general.append(len(events))
        payload_counts.append(len(payloads or []))
        data += [e.data_bytes for e in events] + (payloads or [])
    assert data == [b'{"n": %d}' % i for i in range(400)]
    assert general == [1, 1, 0]
    assert payload_counts[0] > 100 and payload_counts[1] > 100, payload_counts
    assert not decoder.in_event


def test_fast_path_keeps_ids_and_falls_back_for_other_shapes() -> None:
    stream = (
        b"id: 7\n\ndata: a\n\ndata: b\n\n"
        b"event: named\ndata: c\n\n: comment\n\ndata: d\r\n\r\ndata: e\ndata: f\n\ndata: g\n\n"
    )
    for size in (3, 11, len(stream)):
        chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
        events, last_id, in_event, _ = via_payloads(chunks)
        assert (events, last_id, in_event) == via_feed(chunks)
        assert [e[1] for e in events] == [b"a", b"b", b"c", b"d", b"e\nf", b"g"]
        assert {e[2] for e in events} == {"7"}


def test_in_event_after_a_cut() -> None:
    for tail, expected in [
        (b"", False),
        (b"data: x", True),
        (b"data: x\n", True),
        (b": just a comment", True),
        (b"data: x\n\n", False),
    ]:
        decoder = SSEDecoder()
        decoder.feed_payloads(b"data: 1\n\ndata: 2\n\n")
        decoder.feed_payloads(b"data: 3\n\n" + tail)
        assert decoder.in_event is expected, tail


_frames = st.sampled_from(
    [
        b"data: plain\n\n",
        b'data: {"k": "v"}\n\n',
        b"data: [DONE]\n\n",
        b"data:\n\n",
        b"data:nospace\n\n",
        b"event: thread.run\ndata: {}\n\n",
        b"id: 42\n",
        b"id: 43\ndata: with id\n\n",
        b": keep-alive\n\n",
        b"retry: 100\n\n",
        b"data: one\ndata: two\n\n",
        b"data: crlf\r\n\r\n",
        b"data: cr\r\r",
        b"\n",
        b"\xef\xbb\xbf",
        b"data: caf\xc3\xa9\n\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_frames, max_size=30), st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_feed_payloads_matches_feed(frames: list[bytes], positions: list[int]) -> None:
    stream = b"".join(frames)
    chunks = cut(stream, positions)
    events, last_id, in_event, _ = via_payloads(chunks)
    assert (events, last_id, in_event) == via_feed(chunks)
