"""Test files the scanning tests build themselves, opcode by opcode (see `pickletools`).

Nothing here unpickles. Malicious pickles are written as bytes, so the exact global each one
imports is known ("os.system", not the "posix.system" that pickling os.system itself writes).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import pickle
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROTOCOLS = range(6)
TARGETS = [
    ("os", "system", "echo pwned"),
    ("builtins", "exec", "print('pwned')"),
    ("builtins", "eval", "print('pwned')"),
    ("subprocess", "Popen", "id"),
    ("subprocess", "check_output", "id"),
    ("runpy", "run_path", "/tmp/payload.py"),
]


@dataclass(frozen=True)
class Sample:
    name: str
    write: Callable[[Path], None]
    expected: str  # "dangerous" | "clean" | "suspicious"
    # The offending global and zip member a dangerous sample must be reported with.
    global_: str | None = None
    member: str | None = None


# Opcode writers -------------------------------------------------------------------------------


def _header(proto: int) -> bytes:
    return b"\x80" + bytes([proto]) if proto >= 2 else b""


def _str(proto: int, text: str) -> bytes:
    raw = text.encode()
    if proto == 0:
        return b"V" + raw + b"\n"  # UNICODE
    if proto >= 4 and len(raw) < 256:
        return b"\x8c" + bytes([len(raw)]) + raw  # SHORT_BINUNICODE
    return b"X" + struct.pack("<I", len(raw)) + raw  # BINUNICODE


def _tuple(proto: int, *items: bytes) -> bytes:
    if proto >= 2 and len(items) == 1:
        return items[0] + b"\x85"  # TUPLE1
    return b"(" + b"".join(items) + b"t"  # MARK ... TUPLE


def _global(proto: int, module: str, name: str, form: str) -> bytes:
    if form == "GLOBAL":
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"
    # STACK_GLOBAL: a protocol 4 opcode, which the unpickler accepts under any declared protocol.
    return _str(proto, module) + _str(proto, name) + b"\x93"


def pickle_call(proto: int, module: str, name: str, arg: str, *, form: str = "GLOBAL") -> bytes:
    """`module.name(arg)` through an import opcode and REDUCE."""
    call = _global(proto, module, name, form) + _tuple(proto, _str(proto, arg)) + b"R"
    return _header(proto) + call + b"."


def pickle_inst(module: str, name: str, arg: str) -> bytes:
    """`module.name(arg)` through INST (protocol 0: the class name is the opcode's argument)."""
    return b"(" + _str(0, arg) + b"i" + module.encode() + b"\n" + name.encode() + b"\n."


def pickle_obj(proto: int, module: str, name: str, arg: str) -> bytes:
    """`module.name(arg)` through OBJ (protocol 1: MARK class args OBJ)."""
    return _header(proto) + b"(" + _global(proto, module, name, "GLOBAL") + _str(proto, arg) + b"o."


def pickle_newobj(proto: int, module: str, name: str, arg: str) -> bytes:
    """`cls.__new__(cls, arg)` through NEWOBJ (protocol 2)."""
    cls = _global(proto, module, name, "GLOBAL")
    return _header(proto) + cls + _tuple(proto, _str(proto, arg)) + b"\x81."


def pickle_memo_stack_global() -> bytes:
    """STACK_GLOBAL whose strings come from the memo (BINGET), not from the opcodes before it."""
    body = (
        _str(4, "os") + b"\x94"  # MEMOIZE -> 0
        + _str(4, "system") + b"\x94"  # MEMOIZE -> 1
        + b"0" + b"0"  # POP POP
        + b"h\x00" + b"h\x01" + b"\x93"  # BINGET 0, BINGET 1, STACK_GLOBAL
        + _tuple(4, _str(4, "echo pwned")) + b"R."
    )  # fmt: skip
    return _header(4) + body


def pickle_nested() -> bytes:
    """pickle.loads(<bytes of a pickle that calls os.system>): one pickle inside another."""
    inner = pickle_call(2, "os", "system", "echo pwned")
    arg = b"C" + bytes([len(inner)]) + inner  # SHORT_BINBYTES
    return _header(3) + b"cpickle\nloads\n" + arg + b"\x85R."


def pickle_truncated() -> bytes:
    """Calls os.system, then stops: no STOP opcode, so a strict parser gives up after the call."""
    return pickle_call(2, "os", "system", "echo pwned")[:-1]


def pickle_truncated_junk() -> bytes:
    """Calls os.system, then breaks with a byte that is no opcode at all."""
    return pickle_call(2, "os", "system", "echo pwned")[:-1] + b"\xff\xfe garbage"


def pickle_torch_state_dict(tensors: dict[str, int]) -> bytes:
    """A state dict as torch.save writes it: an OrderedDict of _rebuild_tensor_v2 calls over
    persistent storages (BINPERSID), protocol 2."""
    body = b"ccollections\nOrderedDict\n)R("  # OrderedDict(), MARK for SETITEMS
    for key, (name, numel) in enumerate(tensors.items()):
        storage = (
            _tuple(
                2,
                _str(2, "storage"),
                b"ctorch\nFloatStorage\n",
                _str(2, str(key)),
                _str(2, "cpu"),
                b"K" + bytes([numel]),
            )
            + b"Q"
        )  # BINPERSID
        args = (
            storage
            + b"K\x00"
            + _tuple(2, b"K" + bytes([numel]))
            + _tuple(2, b"K\x01")
            + b"\x89"
            + b"ccollections\nOrderedDict\n)R"
        )
        body += _str(2, name) + b"ctorch._utils\n_rebuild_tensor_v2\n(" + args + b"tR"
    return _header(2) + body + b"u."  # SETITEMS, STOP  # fmt: skip


def pickle_object_array(items: list[str]) -> bytes:
    """The pickle numpy writes for an object array (protocol 3): _reconstruct + BUILD state."""
    elements = b"".join(_str(3, item) for item in items)
    dtype = (
        b"cnumpy\ndtype\n"
        + _str(3, "O8")
        + b"\x89\x88\x87R"
        + (b"(K\x03" + _str(3, "|") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK?t" + b"b")
    )
    return (
        _header(3)
        + b"cnumpy.core.multiarray\n_reconstruct\n"
        + b"cnumpy\nndarray\nK\x00\x85C\x01b\x87R"
        + b"(K\x01" + b"K" + bytes([len(items)]) + b"\x85" + dtype + b"\x89]("
        + elements + b"etb."
    )  # fmt: skip


# Containers --------------------------------------------------------------------------------


def torch_zip(data_pkl: bytes, *, compression: int = zipfile.ZIP_STORED) -> bytes:
    """A PyTorch zip checkpoint's layout: archive/data.pkl, the storages, version, byteorder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/data/0", struct.pack("<4f", 1.0, 2.0, 3.0, 4.0))
        archive.writestr("archive/data/1", struct.pack("<2f", 5.0, 6.0))
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/.data/serialization_id", "0123456789")
    return buffer.getvalue()


def npy(descr: str, shape: tuple[int, ...], payload: bytes) -> bytes:
    """NPY format 1.0: magic, header length, a dict literal padded to 64 bytes, then the data."""
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"
    padding = 64 - (10 + len(header) + 1) % 64
    header_bytes = (header + " " * padding + "\n").encode("latin-1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_bytes)) + header_bytes + payload


def npz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def safetensors(header: dict[str, object], data: bytes, *, pad: int = 0) -> bytes:
    raw = json.dumps(header).encode() + b" " * pad
    return struct.pack("<Q", len(raw)) + raw + data


def safetensors_valid() -> bytes:
    header = {
        "__metadata__": {"format": "pt"},
        "bias": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]},
        "weight": {"dtype": "F16", "shape": [2, 4], "data_offsets": [0, 16]},
    }
    return safetensors(header, bytes(24), pad=3)


def gguf(*, version: int = 3, tensors: int = 0, kvs: int = 1, body: bytes | None = None) -> bytes:
    key = b"general.name"
    value = b"tiny"
    kv = struct.pack("<Q", len(key)) + key + struct.pack("<I", 8)
    kv += struct.pack("<Q", len(value)) + value
    return b"GGUF" + struct.pack("<IQQ", version, tensors, kvs) + (kv if body is None else body)


# The corpus -----------------------------------------------------------------------------------


# What joblib.dump(compress=...) writes around a pickle, by compressor (joblib/compressor.py).
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "zlib": zlib.compress,
    "gzip": lambda data: gzip.compress(data, mtime=0),  # the same bytes in every process
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "lzma": lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE),
}


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _dangerous() -> list[Sample]:
    samples = []
    for proto in PROTOCOLS:
        for module, name, arg in TARGETS:
            for form in ("GLOBAL", "STACK_GLOBAL"):
                data = pickle_call(proto, module, name, arg, form=form)
                samples.append(
                    Sample(
                        f"p{proto}-{form}-REDUCE-{module}.{name}",
                        _bytes(data),
                        "dangerous",
                        f"{module}.{name}",
                    )
                )
        samples.append(
            Sample(
                f"p{proto}-OBJ-os.system",
                _bytes(pickle_obj(proto, "os", "system", "echo pwned")),
                "dangerous",
                "os.system",
            )
        )
        samples.append(
            Sample(
                f"p{proto}-NEWOBJ-subprocess.Popen",
                _bytes(pickle_newobj(proto, "subprocess", "Popen", "id")),
                "dangerous",
                "subprocess.Popen",
            )
        )
    for module, name, arg in TARGETS:
        samples.append(
            Sample(
                f"p0-INST-{module}.{name}",
                _bytes(pickle_inst(module, name, arg)),
                "dangerous",
                f"{module}.{name}",
            )
        )
    evil = pickle_call(2, "os", "system", "echo pwned")
    samples += [
        Sample("memo-STACK_GLOBAL", _bytes(pickle_memo_stack_global()), "dangerous", "os.system"),
        Sample("nested-pickle.loads", _bytes(pickle_nested()), "dangerous", "pickle.loads"),
        Sample("truncated-after-REDUCE", _bytes(pickle_truncated()), "dangerous", "os.system"),
        Sample("junk-after-REDUCE", _bytes(pickle_truncated_junk()), "dangerous", "os.system"),
        Sample(
            "torch-zip-stored.bin",
            _bytes(torch_zip(evil)),
            "dangerous",
            "os.system",
            "archive/data.pkl",
        ),
        Sample(
            "torch-zip-deflated.pt",
            _bytes(torch_zip(evil, compression=zipfile.ZIP_DEFLATED)),
            "dangerous",
            "os.system",
            "archive/data.pkl",
        ),
        Sample(
            "torch-zip-lzma.ckpt",
            _bytes(torch_zip(evil, compression=zipfile.ZIP_LZMA)),
            "dangerous",
            "os.system",
            "archive/data.pkl",
        ),
        Sample(
            "torch-zip-protocol-5-runpy.bin",
            _bytes(torch_zip(pickle_call(5, "runpy", "run_path", "/tmp/x.py", form="STACK_GLOBAL"))),
            "dangerous",
            "runpy.run_path",
            "archive/data.pkl",
        ),
        Sample(
            "npy-object-array-exec.npy",
            _bytes(npy("|O", (1,), pickle_call(3, "builtins", "exec", "print(1)"))),
            "dangerous",
            "builtins.exec",
        ),
        Sample(
            "npz-object-array-os.system.npz",
            _bytes(npz({"payload.npy": npy("|O", (1,), evil)})),
            "dangerous",
            "os.system",
            "payload.npy",
        ),
        *(
            Sample(f"joblib-{name}-compressed-os.system.joblib", _bytes(compress(evil)), "dangerous", "os.system")
            for name, compress in COMPRESSORS.items()
        ),
        # Pickled by the pickle module itself, from a class whose __reduce__ returns the call.
        Sample(
            "pickled-reduce-subprocess.check_output",
            _bytes(pickle.dumps(_Reduce(), protocol=4)),
            "dangerous",
            "subprocess.check_output",
        ),
    ]
    return samples


class _Reduce:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import subprocess

        return (subprocess.check_output, ("id",))


def _benign() -> list[Sample]:
    state_dict = pickle_torch_state_dict({"weight": 4, "bias": 2})
    return [
        Sample("torch-zip-tensors.bin", _bytes(torch_zip(state_dict)), "clean"),
        Sample(
            "torch-zip-tensors-deflated.pth",
            _bytes(torch_zip(state_dict, compression=zipfile.ZIP_DEFLATED)),
            "clean",
        ),
        Sample("plain-state-dict.pkl", _bytes(state_dict), "clean"),
        *(
            Sample(f"joblib-{name}-compressed-dict.joblib", _bytes(compress(pickle.dumps({"C": 1.0}, 4))), "clean")
            for name, compress in COMPRESSORS.items()
        ),
        Sample("plain-pickle-dict.pkl", _bytes(pickle.dumps({"a": [1, 2.0, "x"]}, 4)), "clean"),
        Sample("plain.npy", _bytes(npy("<f4", (3,), struct.pack("<3f", 1, 2, 3))), "clean"),
        Sample(
            "object-array.npz",
            _bytes(
                npz(
                    {
                        "names.npy": npy("|O", (2,), pickle_object_array(["cat", "dog"])),
                        "weights.npy": npy("<f8", (2,), struct.pack("<2d", 0.5, 1.5)),
                    }
                )
            ),
            "clean",
        ),
        Sample("valid.safetensors", _bytes(safetensors_valid()), "clean"),
        Sample("valid.gguf", _bytes(gguf()), "clean"),
    ]


def _lying() -> list[Sample]:
    def st(header: dict[str, object], data: bytes) -> Callable[[Path], None]:
        return _bytes(safetensors(header, data))

    f32 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    return [
        Sample("lying-shape.safetensors", st({"w": {**f32, "shape": [4]}}, bytes(8)), "suspicious"),
        Sample(
            "lying-offsets-past-end.safetensors",
            st({"w": {**f32, "shape": [4], "data_offsets": [0, 16]}}, bytes(8)),
            "suspicious",
        ),
        Sample("lying-trailing-data.safetensors", st({"w": f32}, bytes(8) + b"\x80\x02cos\n"), "suspicious"),
        Sample(
            "lying-gap.safetensors",
            st({"w": {**f32, "data_offsets": [4, 12]}}, bytes(12)),
            "suspicious",
        ),
        Sample("lying-dtype.safetensors", st({"w": {**f32, "dtype": "PY_OBJECT"}}, bytes(8)), "suspicious"),
        Sample(
            "code-in-metadata.safetensors",
            st({"__metadata__": {"loader": "__import__('os').system('id')"}, "w": f32}, bytes(8)),
            "suspicious",
        ),
        Sample(
            "metadata-not-string.safetensors",
            st({"__metadata__": {"config": {"nested": 1}}, "w": f32}, bytes(8)),
            "suspicious",
        ),
        Sample("lying-counts.gguf", _bytes(gguf(tensors=10**9, kvs=10**9)), "suspicious"),
        Sample("unknown-version.gguf", _bytes(gguf(version=99)), "suspicious"),
    ]


def corpus() -> list[Sample]:
    return _dangerous() + _benign() + _lying()
