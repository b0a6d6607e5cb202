"""Starts llama-cpp-python's server, as ``python -m llama_cpp.server`` does, with one change
on CPUs that have AMX: the model's weights are not repacked into llama.cpp's AMX buffers.

On such CPUs (Xeon Sapphire Rapids and later, which CI's machine can be) this llama.cpp
crashes with a segmentation fault in ``ggml_backend_amx_mul_mat`` on the first answer with a
Q4_K model (ggml-org/llama.cpp#20824, closed without a fix). ``llama-server``'s own
``--no-repack`` does the same; llama-cpp-python has no option for it, so it is set here on the
parameters every model is loaded with.
"""

from __future__ import annotations

from naetra_tui.cli.llm_server import cpu_has_amx, without_repacking  # the product's own launcher's

if __name__ == "__main__":
    if cpu_has_amx():
        without_repacking()
    from llama_cpp.server.__main__ import main

    main()
