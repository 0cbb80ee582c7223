"""The clients and scenarios of the suite, in the order the report shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["trio", "asyncio", "sync"]


@dataclass(frozen=True)
class Client:
    key: str
    label: str
    kind: Kind  # how the child drives it
    module: str  # adapters.<module>, imported inside the child (that import is what "import" times)


CLIENTS: tuple[Client, ...] = (
    Client("trio_openai", "trio_openai AsyncOpenAI (trio)", "trio", "trio_openai_async"),
    Client("trio_openai_sync", "trio_openai OpenAI (sync)", "sync", "trio_openai_sync"),
    Client("openai_trio", "openai AsyncOpenAI (trio)", "trio", "openai_async"),
    Client("openai_asyncio", "openai AsyncOpenAI (asyncio)", "asyncio", "openai_async"),
    Client("openai_sync", "openai OpenAI (sync)", "sync", "openai_sync"),
    Client("openai_aiohttp", "openai AsyncOpenAI + aiohttp (asyncio)", "asyncio", "openai_aiohttp"),
    Client("floor", "floor: httpcore2 + msgspec (trio)", "trio", "floor"),
    Client("floor_sync", "floor: blocking httpcore2 + msgspec", "sync", "floor_sync"),
)
CLIENTS_BY_KEY = {c.key: c for c in CLIENTS}
REFERENCE = "trio_openai"
FLOOR = "floor"
FLOOR_SYNC = "floor_sync"  # the floor of the blocking clients' rows, when it was run


def floor_of(kind: str) -> str:
    """The floor a client of this kind is compared with: the blocking one for blocking clients."""
    return FLOOR_SYNC if kind == "sync" else FLOOR


# How a scenario is run:
#   loop  - a warmed-up process per client and pass, `repeats` timed rounds of `count` operations each;
#           the figure is the median of all rounds of all passes
#   cold  - `repeats` fresh processes, each timing its imports and first request
#   mem   - `repeats` fresh processes, each measuring peak RSS growth over one operation
Mode = Literal["loop", "cold", "mem"]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    unit: str
    higher_is_better: bool
    mode: Mode
    op: str  # chat | chat_after_burst | chatN (N in flight) | chat_conv100 | chat_conv1000 | chat_tools20 | chat8 | chat64 | stream | models | files | files_work | emb_float | emb_b64 | cold | mem_*
    prefix: str = ""  # URL prefix on the canned server (picks the canned file)
    count: int = 1  # operations per timed round
    quick_count: int = 1
    repeats: int = 5
    quick_repeats: int = 2
    tls: bool = False  # against the HTTPS nginx (a trustme certificate) instead of plain HTTP


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "seq",
        "Sequential small requests",
        "req/s",
        True,
        "loop",
        "chat",
        count=500,
        quick_count=150,
        repeats=3,
    ),
    Scenario(
        "conc64",
        "64 requests in flight",
        "req/s",
        True,
        "loop",
        "chat64",
        count=1280,
        quick_count=640,
        repeats=3,
    ),
    Scenario(
        "seq_burst",
        "Sequential small requests after a 64-wide burst",
        "req/s",
        True,
        "loop",
        "chat_after_burst",
        count=500,
        quick_count=150,
        repeats=3,
    ),
    Scenario(
        "conc256",
        "256 requests in flight",
        "req/s",
        True,
        "loop",
        "chat256",
        count=1024,
        quick_count=512,
        repeats=3,
    ),
    Scenario(
        "conc1024",
        "1,024 requests in flight",
        "req/s",
        True,
        "loop",
        "chat1024",
        count=2048,
        quick_count=1024,
        repeats=2,
    ),
    # -- issue 14's rows: request size, threads on one blocking client, memory held ---------------------
    Scenario(
        "conv100",
        "Chat, 100-message conversation",
        "req/s",
        True,
        "loop",
        "chat_conv100",
        count=300,
        quick_count=60,
        repeats=3,
    ),
    Scenario(
        "conv1000",
        "Chat, 1,000-message conversation",
        "req/s",
        True,
        "loop",
        "chat_conv1000",
        count=100,
        quick_count=20,
        repeats=3,
    ),
    Scenario(
        "tools20",
        "Chat with 20 tools",
        "req/s",
        True,
        "loop",
        "chat_tools20",
        count=300,
        quick_count=60,
        repeats=3,
    ),
    Scenario(
        "conc8",
        "8 requests in flight (8 threads on one client for the sync clients)",
        "req/s",
        True,
        "loop",
        "chat8",
        count=640,
        quick_count=160,
        repeats=3,
    ),
    Scenario("stream20k", "Stream of 20,000 chunks", "chunks/s", True, "loop", "stream", "s20k", repeats=2),
    Scenario(
        "stream1k", "Streams of 1,000 chunks", "chunks/s", True, "loop", "stream", "s1k", 10, 2, repeats=3
    ),
    # -- over TLS: the same against nginx serving HTTPS on loopback ---------------------------------------
    Scenario(
        "seq_tls",
        "HTTPS: sequential small requests",
        "req/s",
        True,
        "loop",
        "chat",
        count=500,
        quick_count=150,
        repeats=3,
        tls=True,
    ),
    Scenario(
        "conc64_tls",
        "HTTPS: 64 requests in flight",
        "req/s",
        True,
        "loop",
        "chat64",
        count=1280,
        quick_count=640,
        repeats=3,
        tls=True,
    ),
    Scenario(
        "stream20k_tls",
        "HTTPS: stream of 20,000 chunks",
        "chunks/s",
        True,
        "loop",
        "stream",
        "s20k",
        repeats=2,
        tls=True,
    ),
    Scenario(
        "stream1k_tls",
        "HTTPS: streams of 1,000 chunks",
        "chunks/s",
        True,
        "loop",
        "stream",
        "s1k",
        10,
        2,
        repeats=3,
        tls=True,
    ),
    Scenario("pages", "Every item of 50 pages", "ms", False, "loop", "files", repeats=4, quick_repeats=2),
    Scenario(
        "models", "List of 100 models", "req/s", True, "loop", "models", count=300, quick_count=50, repeats=3
    ),
    Scenario("emb_float", "Embeddings 100x1536, float JSON", "ms", False, "loop", "emb_float", repeats=5),
    Scenario("emb_b64", "Embeddings 100x1536, base64", "ms", False, "loop", "emb_b64", "b64", repeats=5),
    Scenario(
        "pages_latency",
        "50 pages, 20 ms server + 20 ms caller work per page",
        "ms",
        False,
        "loop",
        "files_work",
        repeats=2,
        quick_repeats=1,
    ),
    Scenario("import", "Import (cold process)", "ms", False, "cold", "cold", repeats=5, quick_repeats=2),
    Scenario(
        "first",
        "Import + first request (cold process)",
        "ms",
        False,
        "cold",
        "cold",
        repeats=5,
        quick_repeats=2,
    ),
    Scenario(
        "first_tls",
        "HTTPS: import + first request (cold process; TLS context and handshake)",
        "ms",
        False,
        "cold",
        "cold",
        repeats=5,
        quick_repeats=2,
        tls=True,
    ),
    Scenario(
        "mem_emb",
        "Peak RSS growth, float embeddings",
        "MiB",
        False,
        "mem",
        "mem_emb",
        repeats=3,
        quick_repeats=1,
    ),
    Scenario(
        "mem_results",
        "Peak RSS growth, 1,000 chat completions held",
        "MiB",
        False,
        "mem",
        "mem_results",
        repeats=3,
        quick_repeats=1,
    ),
    Scenario(
        "mem_stream",
        "Peak RSS growth, 20,000-chunk stream",
        "MiB",
        False,
        "mem",
        "mem_stream",
        repeats=3,
        quick_repeats=1,
    ),
)
SCENARIOS_BY_KEY = {s.key: s for s in SCENARIOS}
PASSES = 2  # loop scenarios: rounds over all clients (1 with --quick)

PAGE_DELAY = 0.020  # seconds the delay server waits per page
CALLER_WORK = 0.020  # seconds the caller spends per page (an awaited/blocking sleep: I/O-like work)
