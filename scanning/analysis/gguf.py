"""GGUF: the fixed header must be what it claims (format spec:
https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). Parsed here: the `gguf` package
needs numpy, a heavy dependency for reading four integers."""

from __future__ import annotations

import struct
from pathlib import Path

from scanning.analysis.result import Finding, ScannerResult, header_check_result

NAME = "hubmod-gguf"
VERSION = "1"
KNOWN_VERSIONS = {1, 2, 3}

# The smallest encoding of one key/value pair and one tensor info; a header that declares more
# of them than the file could hold lies (and would make a loader allocate for them).
# v1 strings and counts are 32-bit; v2+ are 64-bit.
MIN_KV = {1: 4 + 1 + 4 + 1, 2: 8 + 1 + 4 + 1, 3: 8 + 1 + 4 + 1}
MIN_TENSOR = {1: 4 + 1 + 4 + 4 + 4 + 8, 2: 8 + 1 + 4 + 8 + 4 + 8, 3: 8 + 1 + 4 + 8 + 4 + 8}


def gguf_analyse(path: str | Path) -> ScannerResult:
    return header_check_result(NAME, VERSION, gguf_findings(path))


def gguf_findings(path: str | Path) -> list[Finding]:
    with open(path, "rb") as file:
        head = file.read(24)
        size = file.seek(0, 2)
    if not head.startswith(b"GGUF") or len(head) < 8:
        return [Finding("header_mismatch", "no GGUF magic and version")]
    # GGUF is little-endian unless the file was written for a big-endian host; the version tells.
    endian = "<"
    (version,) = struct.unpack("<I", head[4:8])
    if version not in KNOWN_VERSIONS:
        (swapped,) = struct.unpack(">I", head[4:8])
        if swapped not in KNOWN_VERSIONS:
            return [Finding("header_mismatch", f"unknown GGUF version {version}")]
        endian, version = ">", swapped
    count_format = f"{endian}II" if version == 1 else f"{endian}QQ"
    header_size = 8 + struct.calcsize(count_format)
    if len(head) < header_size:
        return [Finding("header_mismatch", "file ends inside the GGUF header")]
    tensor_count, kv_count = struct.unpack(count_format, head[8:header_size])
    needed = header_size + kv_count * MIN_KV[version] + tensor_count * MIN_TENSOR[version]
    if needed > size:
        return [
            Finding(
                "header_mismatch",
                f"declares {tensor_count} tensors and {kv_count} keys, which need at least "
                f"{needed} bytes; the file has {size}",
            )
        ]
    return []
