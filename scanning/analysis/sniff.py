"""What a file is, by its bytes, never by its name; and where the pickles inside it are.

A hub file named `.bin` may be a PyTorch zip checkpoint, a legacy pickle checkpoint or raw
weights; a `.npy` may hold an object array (a pickle). Loaders decide by content, so do we.
"""

from __future__ import annotations

import ast
import bz2
import gzip
import io
import lzma
import pickletools
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

Kind = Literal[
    "pickle",
    "compressed_pickle",
    "pytorch_zip",
    "numpy",
    "numpy_zip",
    "zip",
    "safetensors",
    "gguf",
    "text",
    "other",
]

HEAD_SIZE = 64 * 1024
NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
GGUF_MAGIC = b"GGUF"
# A pickle member is read whole into memory; the pickles of real checkpoints are kilobytes to a
# few megabytes (the tensors live in other members), so a larger one is itself a warning sign.
PICKLE_MEMBER_MAX = 256 * 1024 * 1024

# Opcodes that import or call: a stream that reaches one of them before it breaks has already
# done its harm when a loader gets there, so it counts as a pickle however it ends.
_CODE_OPCODES = {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX"}
_TEXT_CONTROL = set(range(32)) - {9, 10, 12, 13}
# How an unpickler's run through a stream ends: at its STOP, out of data, or raising.
Ending = Literal["stop", "exhausted", "broken"]


def sniff(path: str | Path) -> Kind:
    with open(path, "rb") as file:
        head = file.read(HEAD_SIZE)
        size = file.seek(0, io.SEEK_END)
    return sniff_bytes(head, size=size, path=path)


def sniff_bytes(head: bytes, *, size: int, path: str | Path | None = None) -> Kind:
    compressor = _compressor(head)
    # joblib.load (and pandas.read_pickle) decompress by magic before they unpickle: a compressed
    # pickle runs its code all the same, so its inside decides. Magic this short also begins other
    # files (a safetensors header of 93 bytes starts 5d 00): what does not decompress to a pickle
    # goes on to the other checks.
    if compressor is not None and looks_like_pickle(_decompressed_head(compressor, head)):
        return "compressed_pickle"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(path) if path is not None else "zip"
    if head.startswith(NPY_MAGIC):
        return "numpy"
    if head.startswith(GGUF_MAGIC):
        return "gguf"
    if _looks_like_safetensors(head, size):
        return "safetensors"
    if looks_like_pickle(head):
        return "pickle"
    if _looks_like_text(head):
        return "text"
    return "other"


def looks_like_pickle(head: bytes) -> bool:
    """A protocol 2+ header, or a protocol 0/1 opcode stream an unpickler could run until it
    imports or calls.

    Protocol 0 pickles are ASCII, so this check runs before the text check; and much ASCII text
    also parses as opcodes ("import os" is INST, "README" starts with REDUCE). A stream counts if
    an unpickler would get through it to its STOP, or to the end of the head of a larger file,
    or to an opcode that imports or calls before it breaks (a pickle made to stop right after
    its payload). Text fails sooner: its opcodes pop an empty stack or look for a MARK there is
    none of, where a real unpickler raises before it runs anything.
    """
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    runnable, ending = _runnable_opcodes(head)
    if ending == "stop":
        return len(runnable) >= 2
    if ending == "exhausted" and len(head) >= HEAD_SIZE and len(runnable) >= 2:
        return True
    return bool(_CODE_OPCODES.intersection(runnable))


def _runnable_opcodes(head: bytes) -> tuple[list[str], Ending]:
    """The opcodes an unpickler would run from the start of `head`, and how the run ends.

    The stack and memo emulation is that of pickletools.dis() (python/cpython, tag v3.11.7,
    Lib/pickletools.py), keeping only the checks on which the unpicklers themselves raise: a pop
    from an empty stack, a MARK that is not there, a memo read before its write, a memo write of
    nothing. dis() also refuses a memo key written twice, which unpicklers accept, so that is not
    kept: a stream must never pass for text because this check was stricter than a loader.
    """
    stack: list[object] = []
    memo: set[object] = set()
    runnable: list[str] = []
    try:
        for opcode, arg, pos in pickletools.genops(io.BytesIO(head)):
            if opcode.name in ("GLOBAL", "INST"):
                if not _imports_a_module(head, pos):
                    return runnable, "broken"  # the import fails, so nothing after it runs
                # Python's own _Unpickler imports INST's module before it looks for INST's MARK.
                runnable.append(opcode.name)
                if not _stack_allows(opcode, arg, stack, memo):
                    return runnable, "broken"
                continue
            if not _stack_allows(opcode, arg, stack, memo):
                return runnable, "broken"
            runnable.append(opcode.name)
            if opcode.name == "STOP":
                return runnable, "stop"
    except ValueError as error:
        exhausted = "exhausted" in str(error) or "not enough data" in str(error)
        return runnable, "exhausted" if exhausted else "broken"
    return runnable, "exhausted"


def _stack_allows(opcode: pickletools.OpcodeInfo, arg: object, stack: list[object], memo: set[object]) -> bool:
    """Apply one opcode to the emulated stack; False where an unpickler would raise instead."""
    before, after = opcode.stack_before, opcode.stack_after
    to_pop = len(before)
    if pickletools.markobject in before or (opcode.name == "POP" and stack and stack[-1] is pickletools.markobject):
        if not any(item is pickletools.markobject for item in stack):
            return False
        while stack.pop() is not pickletools.markobject:
            pass
        to_pop = before.index(pickletools.markobject) if pickletools.markobject in before else 0
    if opcode.name in ("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"):
        if not stack or stack[-1] is pickletools.markobject:
            return False
        memo.add(len(memo) if opcode.name == "MEMOIZE" else arg)
    elif opcode.name in ("GET", "BINGET", "LONG_BINGET") and arg not in memo:
        return False
    if len(stack) < to_pop:
        return False
    del stack[len(stack) - to_pop :]
    stack.extend(after)
    return True


def _imports_a_module(head: bytes, pos: int | None) -> bool:
    """GLOBAL and INST name their module on the line after the opcode: a line that is no dotted
    name cannot be imported, so the opcode runs nothing ("import os" is INST of "mport os")."""
    end = head.find(b"\n", (pos or 0) + 1)
    if pos is None or end < 0:
        return False
    module = head[pos + 1 : end].decode("utf-8", errors="replace")
    return all(part.isidentifier() for part in module.split("."))


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may cut a multi-byte character in two at its end.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(ord(char) in _TEXT_CONTROL for char in text)


# The compressors joblib.load recognises by their first bytes, opened as streams by the standard
# library: the prefixes of joblib/joblib@efe896a0966306d4aa5596b5ae334938e14359b5,
# joblib/compressor.py (_ZLIB_PREFIX, _GZIP_PREFIX, _BZ2_PREFIX, _XZ_PREFIX, _LZMA_PREFIX). lz4
# needs a package we do not ship: an lz4 file is "other", skipped with the reason.
Compressor = Literal["zlib", "gzip", "bz2", "xz", "lzma"]


def _compressor(head: bytes) -> Compressor | None:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x5d\x00"):  # joblib looks at two bytes: the third is the dictionary's size
        return "lzma"
    # A zlib stream: deflate (CM 8) with a window of at most 32 KiB, and a header check that
    # makes the first two bytes a multiple of 31 (RFC 1950, 2.2).
    if len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0:
        return "zlib"
    return None


def _decompressing(compressor: Compressor, raw: IO[bytes]) -> io.BufferedIOBase:
    if compressor == "gzip":
        return gzip.GzipFile(fileobj=raw)
    if compressor == "bz2":
        return bz2.BZ2File(raw)
    if compressor in ("xz", "lzma"):
        return lzma.LZMAFile(raw, format=lzma.FORMAT_XZ if compressor == "xz" else lzma.FORMAT_ALONE)
    return io.BufferedReader(_ZlibReader(raw))


class _ZlibReader(io.RawIOBase):
    """A zlib stream read as a file, as joblib writes it (one stream, no gzip wrapper)."""

    def __init__(self, raw: IO[bytes]):
        self._raw, self._inflate = raw, zlib.decompressobj()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            chunk = self._inflate.unconsumed_tail or self._raw.read(64 * 1024)
            data = self._inflate.decompress(chunk, len(buffer)) if chunk else self._inflate.flush()
            if data or not chunk:
                buffer[: len(data)] = data
                return len(data)


def _decompressed_head(compressor: Compressor, head: bytes) -> bytes:
    """What the first block of the file decompresses to, as far as it goes; empty if it does not."""
    try:
        return _decompressing(compressor, io.BytesIO(head)).read(HEAD_SIZE)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError):
        # A head cut mid-stream ends early; what came before the cut is what we have.
        return b""


def _looks_like_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 9:
        return False
    (header_len,) = struct.unpack("<Q", head[:8])
    return 2 <= header_len <= size - 8 and head[8:9] == b"{"


def _zip_kind(path: str | Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if any(name.endswith((".pkl", ".pickle")) for name in names):
        return "pytorch_zip"
    if any(name.endswith(".npy") for name in names):
        return "numpy_zip"
    return "zip"


# The pickles inside a file ---------------------------------------------------------------------


@dataclass
class PickleStream:
    """One pickle to analyse: the whole file, a zip member, or the payload of an object array."""

    member: str | None
    data: IO[bytes]


class NotAPickleContainer(ValueError):
    pass


@dataclass(frozen=True)
class NpyHeader:
    descr: object
    shape: tuple[int, ...]
    data_offset: int

    @property
    def has_object(self) -> bool:
        # numpy stores object dtypes as "|O", and structured dtypes as a list of fields, any of
        # which may be an object.
        return "O" in repr(self.descr)


def npy_header(data: IO[bytes]) -> NpyHeader:
    """The header of an NPY stream (format spec in numpy/lib/format.py), read without numpy."""
    start = data.tell()
    magic = data.read(8)
    if len(magic) < 8 or not magic.startswith(NPY_MAGIC):
        raise NotAPickleContainer("not an NPY stream")
    major = magic[6]
    length_size = 2 if major == 1 else 4
    raw_length = data.read(length_size)
    if len(raw_length) != length_size:
        raise NotAPickleContainer("NPY header length truncated")
    (length,) = struct.unpack("<H" if length_size == 2 else "<I", raw_length)
    text = data.read(length).decode("latin-1" if major < 3 else "utf-8")
    try:
        # The header is a Python dict literal; literal_eval evaluates literals only.
        header = ast.literal_eval(text)
    except (ValueError, SyntaxError) as error:
        raise NotAPickleContainer(f"NPY header unreadable: {error}") from error
    if not isinstance(header, dict) or "descr" not in header:
        raise NotAPickleContainer("NPY header without descr")
    shape = header.get("shape", ())
    return NpyHeader(
        descr=header["descr"],
        shape=tuple(shape) if isinstance(shape, tuple) else (),
        data_offset=start + 8 + length_size + length,
    )


def _member_is_pickle(name: str, head: bytes) -> bool:
    if name.endswith((".pkl", ".pickle")):
        return True
    # Tensor storage members ("archive/data/0") are raw numbers that may start with any bytes; a
    # loader only unpickles named members, so only a protocol header marks another as a pickle.
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


@contextmanager
def pickle_streams(path: str | Path, kind: Kind) -> Iterator[list[PickleStream]]:
    """The pickles a loader could run from this file, opened for reading."""
    with open(path, "rb") as file:
        if kind == "pickle":
            yield [PickleStream(member=None, data=file)]
        elif kind == "compressed_pickle":
            compressor = _compressor(file.read(8))
            file.seek(0)
            if compressor is None:
                raise NotAPickleContainer("not a compressed stream")
            yield [PickleStream(member=None, data=io.BytesIO(_bounded(_decompressing(compressor, file))))]
        elif kind == "numpy":
            header = npy_header(file)
            yield [PickleStream(member=None, data=file)] if header.has_object else []
        elif kind in ("pytorch_zip", "numpy_zip", "zip"):
            yield list(_zip_pickle_streams(file))
        else:
            yield []


def _bounded(stream: io.BufferedIOBase) -> bytes:
    """All of a decompressed pickle, refused past PICKLE_MEMBER_MAX (a bomb, or a pickle padded to
    be too big to look at): never taken as clean for being too big."""
    try:
        data = stream.read(PICKLE_MEMBER_MAX + 1)
    except (EOFError, lzma.LZMAError, zlib.error) as error:
        raise NotAPickleContainer(f"the compressed stream is broken: {error}") from error
    if len(data) > PICKLE_MEMBER_MAX:
        raise NotAPickleContainer(f"the pickle decompresses to over {PICKLE_MEMBER_MAX:,} bytes: not analysed")
    return data


def _zip_pickle_streams(file: IO[bytes]) -> Iterator[PickleStream]:
    with zipfile.ZipFile(file) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            with archive.open(info) as member:
                head = member.read(8)
            if info.file_size > PICKLE_MEMBER_MAX and (
                head.startswith(NPY_MAGIC) or _member_is_pickle(info.filename, head)
            ):
                # Real checkpoints keep their pickles small; one this large is not passed as clean.
                raise NotAPickleContainer(
                    f"pickle member {info.filename} is {info.file_size:,} bytes, "
                    f"over {PICKLE_MEMBER_MAX:,}: not analysed"
                )
            if head.startswith(NPY_MAGIC):
                body = io.BytesIO(archive.read(info))
                if npy_header(body).has_object:
                    yield PickleStream(member=info.filename, data=body)
            elif _member_is_pickle(info.filename, head):
                yield PickleStream(member=info.filename, data=io.BytesIO(archive.read(info)))
