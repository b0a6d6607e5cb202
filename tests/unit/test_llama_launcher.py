"""The real-model tests' launcher turns llama.cpp's weight repacking off only on CPUs with AMX
(where this llama.cpp crashes on its first answer); elsewhere the server runs as shipped."""

from __future__ import annotations

from pathlib import Path

from naetra_tui.cli.llm_server import cpu_has_amx

FLAGS = "flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512_vnni"


def test_amx_is_read_from_the_cpu_flags(tmp_path: Path) -> None:
    plain, amx = tmp_path / "plain", tmp_path / "amx"
    plain.write_text(f"processor\t: 0\n{FLAGS}\n")
    amx.write_text(f"processor\t: 0\n{FLAGS} amx_bf16 amx_tile amx_int8\n")
    assert cpu_has_amx(amx) is True
    assert cpu_has_amx(plain) is False


def test_no_cpuinfo_means_no_change(tmp_path: Path) -> None:
    assert cpu_has_amx(tmp_path / "missing") is False
    (tmp_path / "odd").write_text("model name : amx_int8 in a name, not a flag\n")
    assert cpu_has_amx(tmp_path / "odd") is False
