"""The analysers against the corpus the tests build (tests/scanning/corpus.py). No database."""

from __future__ import annotations

import gzip
import pickle
import sys
from importlib import metadata
from pathlib import Path

import fickling.loader  # type: ignore[import-untyped]
import pytest

from scanning.analysis import analyse, sniff, verdict_worst
from tests.scanning.corpus import Sample, corpus, pickle_call, torch_zip

SAMPLES = corpus()
PICKLE_ANALYSERS = {"picklescan", "fickling"}


class UnpicklingForbidden(AssertionError):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise UnpicklingForbidden("a scanner or a test tried to unpickle")


class _RefusingUnpickler:
    def __init__(self, *args: object, **kwargs: object) -> None:
        _refuse()


@pytest.fixture(autouse=True, scope="module")
def no_unpickling() -> object:
    """Every test of this module runs with pickle's loaders replaced by ones that fail."""
    patch = pytest.MonkeyPatch()
    for name in ("load", "loads", "_load", "_loads"):
        patch.setattr(pickle, name, _refuse)
    patch.setattr(pickle, "Unpickler", _RefusingUnpickler)
    patch.setattr(pickle, "_Unpickler", _RefusingUnpickler)
    # fickling keeps its own reference to pickle.loads for its (unused here) safe loader.
    patch.setattr(fickling.loader, "_original_pickle_loads", _refuse)
    yield
    patch.undo()


def _written(sample: Sample, tmp_path: Path) -> Path:
    path = tmp_path / sample.name
    sample.write(path)
    return path


def test_unpickling_is_refused_during_the_module() -> None:
    """The guard is live: anything in this module that unpickles fails loudly."""
    # A harmless pickle (None), so that a broken guard could not run anything.
    with pytest.raises(UnpicklingForbidden):
        pickle.loads(b"N.")  # noqa: S301 - calls the guard, which must refuse
    with pytest.raises(UnpicklingForbidden):
        pickle.Unpickler(None)  # noqa: S301 - calls the guard, which must refuse


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.expected == "dangerous"], ids=lambda s: s.name)
def test_dangerous_sample_is_dangerous_in_both_pickle_analysers(sample: Sample, tmp_path: Path) -> None:
    """Each of picklescan and fickling, on its own, names the offending global and member."""
    results = {result.name: result for result in analyse(_written(sample, tmp_path))}

    assert set(results) == PICKLE_ANALYSERS
    for result in results.values():
        assert result.verdict == "dangerous", result
        assert any(
            sample.global_ in finding.detail and finding.member == sample.member for finding in result.findings
        ), result


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.expected != "dangerous"], ids=lambda s: s.name)
def test_benign_and_lying_samples_get_their_verdict(sample: Sample, tmp_path: Path) -> None:
    results = analyse(_written(sample, tmp_path))

    assert verdict_worst([result.verdict for result in results]) == sample.expected, results
    if sample.expected == "clean":
        assert all(result.findings == () for result in results)
    else:
        assert all(result.findings for result in results)


def test_verdict_records_name_and_installed_version(tmp_path: Path) -> None:
    results = analyse(_written(SAMPLES[0], tmp_path))

    assert [(r.name, r.version) for r in results] == [
        ("picklescan", metadata.version("picklescan")),
        ("fickling", metadata.version("fickling")),
    ]
    assert results[0].as_dict() == {
        "name": "picklescan",
        "version": metadata.version("picklescan"),
        "verdict": "dangerous",
        "findings": [{"kind": "unsafe_global", "detail": "os.system"}],
    }


def test_checkpoint_is_found_by_content_whatever_its_name(tmp_path: Path) -> None:
    evil = torch_zip(pickle_call(2, "os", "system", "echo pwned"))
    for name in ("model.bin", "weights.safetensors", "README.md", "noextension"):
        path = tmp_path / name
        path.write_bytes(evil)

        assert sniff(path) == "pytorch_zip"
        assert {r.verdict for r in analyse(path)} == {"dangerous"}


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (bytes(range(256)) * 4, "other"),
        # A compressed file whose inside is no pickle (a dataset shard): not scanned, saying so.
        (gzip.compress(b'{"text": "hello"}\n' * 100, mtime=0), "other"),
    ],
    ids=["binary", "gzip-dataset"],
)
def test_file_of_a_type_not_scanned_is_skipped_with_the_reason(content: bytes, kind: str, tmp_path: Path) -> None:
    path = tmp_path / "file.pkl"
    path.write_bytes(content)

    assert sniff(path) == kind
    [result] = analyse(path)
    assert result.verdict == "skipped"
    assert result.error == f"type not scanned: {kind}"


def test_corrupt_zip_checkpoint_is_an_error_not_clean(tmp_path: Path) -> None:
    data = torch_zip(pickle_call(2, "os", "system", "echo pwned"))
    path = tmp_path / "model.bin"
    path.write_bytes(data[:40])

    results = analyse(path)

    assert verdict_worst([r.verdict for r in results]) == "error"
    assert all(r.error for r in results)


def test_a_compressed_pickle_too_large_to_look_at_is_an_error_not_clean(tmp_path: Path, monkeypatch) -> None:
    # The package re-exports the function sniff under the module's name: reach the module itself.
    monkeypatch.setattr(sys.modules["scanning.analysis.sniff"], "PICKLE_MEMBER_MAX", 1000)
    path = tmp_path / "model.joblib"
    path.write_bytes(gzip.compress(pickle.dumps(list(range(2000)), 4), mtime=0))

    results = analyse(path)

    assert {r.verdict for r in results} == {"error"}
    assert all("decompresses to over 1,000 bytes" in (r.error or "") for r in results)


def test_a_checkpoint_padded_past_the_pickle_limit_is_an_error_not_clean(tmp_path: Path, monkeypatch) -> None:
    # The package re-exports the function sniff under the module's name: reach the module itself.
    monkeypatch.setattr(sys.modules["scanning.analysis.sniff"], "PICKLE_MEMBER_MAX", 1000)
    path = tmp_path / "model.bin"
    path.write_bytes(torch_zip(pickle_call(2, "os", "system", "echo pwned") + b"\x00" * 5000))

    results = analyse(path)

    assert {r.verdict for r in results} == {"error"}
    assert all("archive/data.pkl" in (r.error or "") for r in results)


def test_a_safetensors_file_whose_header_starts_like_a_compressor_is_still_safetensors(tmp_path: Path) -> None:
    import json
    import struct

    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    header += b" " * (93 - len(header))  # a header length of 93 is 5d 00 ...: lzma's magic
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))

    assert path.read_bytes()[:2] == b"\x5d\x00"
    assert sniff(path) == "safetensors"
    assert [r.verdict for r in analyse(path)] == ["clean"]
