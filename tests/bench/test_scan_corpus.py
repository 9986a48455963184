"""The scan benchmark's files are what it claims to time: real scans of hub-like repositories, and
a checkpoint laid out as torch.save lays one out. Small shapes here; nothing is unpickled."""

import io
import math
import pickletools
import struct
import zipfile
from pathlib import Path

import pytest

from scanning.analysis import analyse, sniff, verdict_worst
from tests.bench.scan_corpus import checkpoint_write, llama_shapes, repository_files, state_dict_pickle

# The embedding matrix (1,100 x 64) has more elements than BININT2 holds.
SMALL = {"hidden": 64, "mlp": 176, "vocab": 1100, "layers": 2}


@pytest.mark.parametrize("dangerous", [False, True])
def test_each_small_file_gets_the_verdict_the_benchmark_expects(tmp_path: Path, dangerous: bool) -> None:
    """Every file is one the analysers read to the end: a verdict outside the expected set would
    mean the benchmark timed failures, not scans."""
    files = repository_files("s1-0-0", dangerous=dangerous)
    verdicts = {}
    for file in files:
        path = tmp_path / file.path
        path.write_bytes(file.data)
        verdicts[file.path] = verdict_worst([result.verdict for result in analyse(path)])
        assert verdicts[file.path] in file.verdicts, file.path

    assert len(files) == 10
    assert [path for path, verdict in verdicts.items() if verdict == "dangerous"] == (
        ["pytorch_model.bin"] if dangerous else []
    )


def test_every_repository_brings_new_bytes() -> None:
    first, second = repository_files("s1-0-0", dangerous=False), repository_files("s1-0-1", dangerous=False)

    assert not {file.data for file in first} & {file.data for file in second}
    assert len({file.data for file in first}) == len(first)


def test_the_checkpoint_has_torch_saves_records_in_its_order_each_on_a_64_byte_boundary(tmp_path: Path) -> None:
    shapes = llama_shapes(**SMALL)
    path = tmp_path / "pytorch_model.bin"

    tensor_bytes = checkpoint_write(path, shapes)

    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    names = [info.filename.removeprefix("pytorch_model/") for info in infos]
    assert names == [
        "data.pkl", ".format_version", ".storage_alignment", "byteorder",
        *(f"data/{key}" for key in range(len(shapes))), "version", ".data/serialization_id",
    ]  # fmt: skip
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    with open(path, "rb") as file:
        for info in infos:
            file.seek(info.header_offset)
            name_length, extra_length = struct.unpack("<HH", file.read(30)[26:30])
            assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0, info.filename
    storages = [info.file_size for info in infos if "/data/" in info.filename]
    assert storages == [2 * math.prod(shape) for shape in shapes.values()]
    assert tensor_bytes == sum(storages)


def test_the_checkpoint_is_clean_to_both_pickle_analysers(tmp_path: Path) -> None:
    path = tmp_path / "pytorch_model.bin"
    checkpoint_write(path, llama_shapes(**SMALL))

    results = analyse(path)

    assert sniff(path) == "pytorch_zip"
    assert {(result.name, result.verdict) for result in results} == {("picklescan", "clean"), ("fickling", "clean")}


def test_the_state_dict_imports_what_torch_save_writes_and_names_every_storage() -> None:
    """Sizes past 255 need BININT2 and BININT: the opcodes parse to STOP, and the storages are
    keyed 0..n-1 as the zip's data/ members are."""
    shapes = llama_shapes(**SMALL)

    opcodes = list(pickletools.genops(io.BytesIO(state_dict_pickle(shapes))))

    assert opcodes[-1][0].name == "STOP"
    imported = {arg for opcode, arg, _ in opcodes if opcode.name == "GLOBAL"}
    assert imported == {"collections OrderedDict", "torch HalfStorage", "torch._utils _rebuild_tensor_v2"}
    strings = [arg for opcode, arg, _ in opcodes if opcode.name == "BINUNICODE"]
    keys = [strings[n + 1] for n, text in enumerate(strings) if text == "storage"]
    assert keys == [str(key) for key in range(len(shapes))]
    assert max(arg for opcode, arg, _ in opcodes if opcode.name == "BININT") == SMALL["vocab"] * SMALL["hidden"]
