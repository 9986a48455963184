"""Safetensors: the header must describe the file exactly (format spec:
https://github.com/huggingface/safetensors#format). The format cannot run code, so a header that
lies about its tensors, or smuggles code-like strings in its metadata, is a sign the file was
crafted to mislead a loader or a reader; it is suspicious, never dangerous on its own."""

from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path
from typing import Any

from scanning.analysis.result import Finding, ScannerResult, header_check_result

NAME = "hubmod-safetensors"
# Our own analyser: bump when a check changes, so every stored verdict is redone.
VERSION = "1"
# The reference implementation refuses headers above 100 MB.
HEADER_MAX = 100_000_000

DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "I64": 64,
    "U64": 64,
    "F64": 64,
    "C64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}
TENSOR_KEYS = {"dtype", "shape", "data_offsets"}
CODE_LIKE = re.compile(
    r"__import__|__builtins__|\b(?:eval|exec|compile|getattr|system|popen)\s*\(|"
    r"\bimport\s+[\w.]+|\bsubprocess\b|\bos\.\w+|<script\b|\blambda\b",
    re.IGNORECASE,
)


class _DuplicateKey(ValueError):
    pass


def safetensors_analyse(path: str | Path) -> ScannerResult:
    return header_check_result(NAME, VERSION, safetensors_findings(path))


def safetensors_findings(path: str | Path) -> list[Finding]:
    with open(path, "rb") as file:
        prefix = file.read(8)
        size = file.seek(0, 2)
        if len(prefix) < 8:
            return [Finding("header_mismatch", "shorter than the 8-byte header length")]
        (header_len,) = struct.unpack("<Q", prefix)
        if header_len > HEADER_MAX or 8 + header_len > size:
            return [Finding("header_mismatch", f"header length {header_len} exceeds the file")]
        file.seek(8)
        raw = file.read(header_len)
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except _DuplicateKey as error:
        return [Finding("header_mismatch", f"duplicate key {error} in header")]
    except (UnicodeDecodeError, ValueError) as error:
        return [Finding("header_mismatch", f"header is not JSON: {error}")]
    if not isinstance(header, dict):
        return [Finding("header_mismatch", "header is not a JSON object")]
    findings = _metadata_findings(header.pop("__metadata__", {}))
    findings += _tensor_findings(header, data_size=size - 8 - header_len)
    return findings


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _metadata_findings(metadata: object) -> list[Finding]:
    if not isinstance(metadata, dict):
        return [Finding("metadata_not_strings", "__metadata__ is not an object")]
    findings = []
    for key, value in metadata.items():
        if not isinstance(value, str):
            findings.append(Finding("metadata_not_strings", f"__metadata__[{key!r}] is not a string"))
        elif CODE_LIKE.search(value) or CODE_LIKE.search(key):
            findings.append(Finding("code_in_metadata", f"__metadata__[{key!r}] looks like code"))
    return findings


def _tensor_findings(tensors: dict[str, Any], *, data_size: int) -> list[Finding]:
    findings = []
    spans: list[tuple[int, int, str]] = []
    for name, info in tensors.items():
        problem = _tensor_problem(info)
        if problem:
            findings.append(Finding("header_mismatch", f"tensor {name!r}: {problem}"))
            continue
        begin, end = info["data_offsets"]
        spans.append((begin, end, name))
        if CODE_LIKE.search(name):
            findings.append(Finding("code_in_metadata", f"tensor name {name!r} looks like code"))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            findings.append(Finding("header_mismatch", f"tensor {name!r} starts at {begin}, expected {position}"))
        position = max(position, end)
    if position > data_size:
        findings.append(Finding("header_mismatch", f"tensors end at {position}, past the data ({data_size})"))
    elif position < data_size:
        findings.append(Finding("trailing_data", f"{data_size - position} bytes after the last tensor"))
    return findings


def _tensor_problem(info: object) -> str | None:
    if not isinstance(info, dict) or set(info) != TENSOR_KEYS:
        return "entry is not exactly dtype, shape and data_offsets"
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in DTYPE_BITS:
        return f"unknown dtype {dtype!r}"
    if not isinstance(shape, list) or not all(_natural(dim) for dim in shape):
        return f"shape {shape!r} is not a list of non-negative integers"
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(_natural(offset) for offset in offsets)
        or offsets[0] > offsets[1]
    ):
        return f"data_offsets {offsets!r} are not an ordered pair of non-negative integers"
    bits = math.prod(shape) * DTYPE_BITS[dtype]
    if bits % 8 or bits // 8 != offsets[1] - offsets[0]:
        return f"{dtype} {shape} needs {bits / 8:g} bytes, offsets give {offsets[1] - offsets[0]}"
    return None


def _natural(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
