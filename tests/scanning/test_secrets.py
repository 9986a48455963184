"""Secrets in text files, through `analyse` (detect-secrets behind it), and one file through the
whole scan to its report. No network beyond 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import socket
from importlib import metadata
from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from devtools.hub_files import HubFiles
from reports.models import Report
from scanning.analysis import Finding, analyse, sniff
from scanning.analysis.sniff import sniff_bytes
from scanning.models import FileScan
from scanning.services import file_scan_run
from tests.scanning import corpus, corpus_text
from tests.scanning.corpus_text import TextSample, text_corpus
from tests.scanning.test_file_scan import sha, sync

SAMPLES = text_corpus()


@pytest.fixture(autouse=True)
def no_clamd(settings) -> None:
    """These tests are about detect-secrets alone, whatever the environment configures."""
    settings.SCAN_CLAMD_ADDRESS = ""


def _written(name: str, content: bytes, tmp_path: Path) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_every_dangerous_text_is_caught_and_every_benign_one_is_clean(sample: TextSample, tmp_path: Path) -> None:
    path = _written(sample.name, sample.content, tmp_path)

    [result] = analyse(path)

    assert sniff(path) == "text"
    assert (result.name, result.verdict) == ("detect-secrets", sample.expected), result
    assert [(finding.detail, finding.member) for finding in result.findings] == sample.findings
    assert {finding.kind for finding in result.findings} <= {"secret"}


def test_an_aws_key_in_a_config_is_dangerous_and_the_verdict_keeps_neither_secret_nor_hash(tmp_path: Path) -> None:
    [result] = analyse(_written("credentials", corpus_text.aws_config(), tmp_path))

    assert result.as_dict() == {
        "name": "detect-secrets",
        "version": metadata.version("detect-secrets") + "+hubmod.1",
        "verdict": "dangerous",
        "findings": [
            {"kind": "secret", "detail": "AWS Access Key on line 3"},
            {"kind": "secret", "detail": "AWS Access Key on line 4"},
        ],
    }
    stored = json.dumps(result.as_dict())
    for secret in (corpus_text.AWS_KEY_ID, corpus_text.AWS_SECRET_KEY):
        assert secret not in stored
        # detect-secrets' own hashed_secret, and the other digests one might think of.
        for digest in (hashlib.sha1, hashlib.sha256, hashlib.md5):
            assert digest(secret.encode()).hexdigest() not in stored


def test_no_secret_of_the_corpus_reaches_the_verdict(tmp_path: Path) -> None:
    stored = json.dumps(
        [result.as_dict() for sample in SAMPLES for result in analyse(_written(sample.name, sample.content, tmp_path))]
    )

    for secret in corpus_text.SECRETS:
        for line in secret.splitlines():
            assert line not in stored
        assert hashlib.sha1(secret.encode(), usedforsecurity=False).hexdigest() not in stored


@pytest.mark.django_db
def test_a_config_with_a_key_opens_a_private_information_report_that_names_type_and_line_only(
    seeded, hub_api, settings
) -> None:
    content = corpus_text.aws_config()
    served = HubFiles({"/credentials": content})
    settings.SCAN_FETCH_ALLOWED_HOSTS = [served.netloc]
    try:
        sync(hub_api, "tiny", served, [("aws/credentials.cfg", content, "/credentials")])
        verdict = file_scan_run(sha256=sha(content))
    finally:
        served.stop()

    assert verdict == "dangerous"
    [report] = Report.objects.filter(source=Report.Source.AUTOMATED)
    assert (report.category, report.path) == ("private_information", "aws/credentials.cfg")
    assert "AWS Access Key on line 3; AWS Access Key on line 4" in json.dumps(report.details)
    scan = FileScan.objects.get(sha256=sha(content))
    kept = json.dumps([model_to_dict(report), model_to_dict(scan)], default=str)
    for secret in (corpus_text.AWS_KEY_ID, corpus_text.AWS_SECRET_KEY):
        assert secret not in kept
        assert hashlib.sha1(secret.encode(), usedforsecurity=False).hexdigest() not in kept


def test_the_verdict_belongs_to_the_bytes_not_to_the_name(tmp_path: Path) -> None:
    """detect-secrets picks parsers by extension; the same bytes get the same verdict anywhere."""
    content = b'password: "hunter2-correct-horse"\n' + corpus_text.aws_config()
    names = ["config.yaml", "settings.ini", "notes.txt", "model.bin", "no-extension"]

    results = {name: analyse(_written(name, content, tmp_path)) for name in names}

    assert len({repr(result) for result in results.values()}) == 1, results
    [result] = results["notes.txt"]
    assert result.findings == (
        Finding("secret", "AWS Access Key on line 4"),
        Finding("secret", "Secret Keyword on line 1"),
    )


def test_a_token_in_a_notebook_is_placed_by_cell_and_line_not_by_json_line(tmp_path: Path) -> None:
    content = corpus_text.token_notebook()
    json_line = next(
        number for number, line in enumerate(content.decode().splitlines(), start=1) if corpus_text.GITHUB_TOKEN in line
    )

    [result] = analyse(_written("explore.ipynb", content, tmp_path))

    assert json_line != 3  # the JSON line would be no help to someone reading the notebook
    assert result.findings == (Finding("secret", "GitHub Token on line 3", "cell 2"),)


def test_a_secret_in_a_notebook_output_names_the_output(tmp_path: Path) -> None:
    printed = {"output_type": "stream", "name": "stdout", "text": ["loading\n", f"using {corpus_text.GITHUB_TOKEN}\n"]}
    content = corpus_text.notebook([corpus_text.code_cell("print(settings)\n", outputs=[printed])])

    [result] = analyse(_written("debug.ipynb", content, tmp_path))

    assert result.verdict == "dangerous"
    assert result.findings == (Finding("secret", "GitHub Token on line 2", "cell 1 output"),)


def test_a_binary_file_with_a_key_inside_is_not_treated_as_text(tmp_path: Path) -> None:
    content = bytes(range(256)) + corpus_text.aws_config() + bytes(range(256))
    path = _written("secrets.txt", content, tmp_path)

    [result] = analyse(path)

    assert sniff(path) == "other"
    assert (result.name, result.verdict, result.error) == ("hubmod-sniff", "skipped", "type not scanned: other")


def test_a_text_file_over_the_cap_is_skipped_saying_so(settings, tmp_path: Path) -> None:
    settings.SCAN_SECRETS_MAX_BYTES = 1000
    content = corpus_text.aws_config() + b"# padding\n" * 100
    path = _written("big.cfg", content, tmp_path)

    [result] = analyse(path)

    assert (result.name, result.verdict) == ("detect-secrets", "skipped")
    assert result.error == f"too large for the secrets scan: {len(content):,} bytes, over the 1,000-byte limit"
    assert result.findings == ()


def test_many_secrets_are_counted_beyond_the_ones_listed(tmp_path: Path) -> None:
    lines = ['DEBUG_PASSWORD = "hunter2-correct-horse"']
    lines += [f"key_{n} = {key}" for n, key in enumerate(corpus_text.aws_key_ids(60))]
    path = _written("dump.txt", "\n".join(lines).encode(), tmp_path)

    [result] = analyse(path)

    assert result.verdict == "dangerous"
    assert result.findings[:2] == (
        Finding("secret", "AWS Access Key on line 2"),
        Finding("secret", "AWS Access Key on line 3"),
    )
    assert len(result.findings) == 51
    assert result.findings[-1] == Finding("secret", "11 more not listed (AWS Access Key, Secret Keyword)")


def test_the_scan_makes_no_network_call(monkeypatch, tmp_path: Path) -> None:
    """detect-secrets can verify a secret with its issuer; it must never do so from here."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the secrets scan tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    everything = "\n".join(
        [corpus_text.aws_config().decode(), corpus_text.GITHUB_TOKEN, corpus_text.STRIPE_KEY, corpus_text.PRIVATE_KEY]
    )

    [result] = analyse(_written("all.txt", everything.encode(), tmp_path))

    assert result.verdict == "dangerous"
    assert {finding.detail.split(" on ")[0] for finding in result.findings} == {
        "AWS Access Key",
        "GitHub Token",
        "Stripe Access Key",
        "Private Key",
    }


@pytest.mark.parametrize(
    "content",
    [
        b"import os\nimport sys\n\nprint(sys.argv)\n",
        b"README\n\nA model.\n",
        b"torch==2.3.0\nnumpy\n",
        b"class Model:\n    pass\n",
        b"cd /app\nls\n",
    ],
)
def test_text_that_parses_as_a_few_pickle_opcodes_is_text(content: bytes, tmp_path: Path) -> None:
    """ "import os" is INST of a module "mport os", "README" starts with REDUCE on an empty stack:
    an unpickler raises before it runs anything, so these are text, and scanned as text."""
    path = _written("file", content, tmp_path)

    assert sniff(path) == "text"
    assert [(result.name, result.verdict) for result in analyse(path)] == [("detect-secrets", "clean")]


@pytest.mark.parametrize("form", ["GLOBAL", "STACK_GLOBAL"])
@pytest.mark.parametrize("protocol", [0, 1])
def test_a_text_protocol_pickle_cut_anywhere_after_its_import_is_still_a_pickle(protocol: int, form: str) -> None:
    """Telling text from pickles must not let a pickle through as text: one that imports, then
    stops or breaks, has done its harm when a loader gets there."""
    data = corpus.pickle_call(protocol, "os", "system", "echo pwned", form=form)
    imported = data.index(b"\x93") + 1 if form == "STACK_GLOBAL" else data.index(b"system\n") + len(b"system\n")

    for cut in range(imported, len(data) + 1):
        for tail in (b"", b"\n", b"\xff", b"Readme, then junk\n"):
            head = data[:cut] + tail
            assert sniff_bytes(head, size=len(head)) == "pickle", head
