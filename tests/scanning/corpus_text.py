"""Text files the secrets and ClamAV tests build themselves.

No secret here is real, and none is written out whole: each is put together when the tests run, so
that secret scanners (ours, and those of wherever this repository is hosted) do not flag this
source, and no antivirus quarantines it for the EICAR test string.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass, field

_RANDOM = random.Random(20)


def _token(alphabet: str, length: int) -> str:
    return "".join(_RANDOM.choice(alphabet) for _ in range(length))


_BASE32 = string.ascii_uppercase + "234567"
_ALNUM = string.ascii_letters + string.digits
_BASE64 = _ALNUM + "+/"

AWS_KEY_ID = "AK" + "IA" + _token(_BASE32, 16)
AWS_SECRET_KEY = _token(_BASE64, 40)
GITHUB_TOKEN = "gh" + "p_" + _token(_ALNUM, 36)
STRIPE_KEY = "sk" + "_live_" + _token(_ALNUM, 24)
HF_TOKEN = "h" + "f_" + _token(string.ascii_letters, 34)
HF_ORG_TOKEN = "api" + "_org_" + _token(string.ascii_letters, 34)
PRIVATE_KEY = "\n".join(
    [
        "-----BEGIN " + "RSA PRIVATE KEY-----",
        *(_token(_BASE64, 64) for _ in range(4)),
        "-----END " + "RSA PRIVATE KEY-----",
    ]
)
# AWS's own documented example pair, which every tutorial copies.
AWS_EXAMPLE_KEY_ID = "AKIAIOSFODNN7" + "EXAMPLE"
AWS_EXAMPLE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
# The EICAR anti-malware test file (eicar.org): harmless, and detected by every engine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SECRETS = [AWS_KEY_ID, AWS_SECRET_KEY, GITHUB_TOKEN, STRIPE_KEY, PRIVATE_KEY, HF_TOKEN, HF_ORG_TOKEN]


@dataclass(frozen=True)
class TextSample:
    name: str
    content: bytes
    expected: str  # "dangerous" | "suspicious" | "clean"
    # (detail, member) of every finding, in order.
    findings: list[tuple[str, str | None]] = field(default_factory=list)


def aws_key_ids(count: int) -> list[str]:
    return ["AK" + "IA" + _token(_BASE32, 16) for _ in range(count)]


def aws_config() -> bytes:
    return (
        f"[default]\nregion = eu-west-1\naws_access_key_id = {AWS_KEY_ID}\naws_secret_access_key = {AWS_SECRET_KEY}\n"
    ).encode()


def aws_example_config() -> bytes:
    return (
        "[default]\n"
        "region = eu-west-1\n"
        f"aws_access_key_id = {AWS_EXAMPLE_KEY_ID}\n"
        f"aws_secret_access_key = {AWS_EXAMPLE_SECRET_KEY}\n"
    ).encode()


def notebook(cells: list[dict[str, object]], *, indent: int | None = 1) -> bytes:
    """An nbformat 4 notebook as Jupyter writes it (indent=1), or minified (indent=None)."""
    body = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(body, indent=indent).encode()


def code_cell(source: str, outputs: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": _token(string.hexdigits.lower(), 8),
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def markdown_cell(source: str) -> dict[str, object]:
    return {"cell_type": "markdown", "id": _token(string.hexdigits.lower(), 8), "metadata": {}, "source": source}


def png_output() -> dict[str, object]:
    """A plot: base64 image data, which nobody reads as text."""
    image = base64.b64encode(bytes(_RANDOM.randrange(256) for _ in range(600))).decode()
    return {"output_type": "display_data", "data": {"image/png": image, "text/plain": "<Figure>"}, "metadata": {}}


def token_notebook(*, indent: int | None = 1) -> bytes:
    """A GitHub token on the third line of the second cell."""
    return notebook(
        [
            markdown_cell("# Fine-tuning\n\nPull the data, then train."),
            code_cell(f'import os\nimport subprocess\ntoken = "{GITHUB_TOKEN}"\nprint("ready")\n'),
            code_cell("plot()\n", outputs=[png_output()]),
        ],
        indent=indent,
    )


def text_corpus() -> list[TextSample]:
    script = (f"#!/bin/sh\nset -eu\ncat > /root/.ssh/id_rsa <<'KEY'\n{PRIVATE_KEY}\nKEY\npython train.py\n").encode()
    training = (
        "import os\n"
        "import sys\n"
        "\n"
        "from transformers import AutoModel\n"
        f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\n'
        'model = AutoModel.from_pretrained(sys.argv[1], token=os.environ["HF_TOKEN"])\n'
    ).encode()
    card = (
        "---\n"
        "license: mit\n"
        "---\n"
        "# tiny-bert\n"
        "\n"
        "Payments for the hosted demo go through Stripe:\n"
        f"stripe.api_key = '{STRIPE_KEY}'\n"
    ).encode()
    return [
        TextSample(
            "aws.cfg",
            aws_config(),
            "dangerous",
            [("AWS Access Key on line 3", None), ("AWS Access Key on line 4", None)],
        ),
        TextSample(
            ".env", f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}\n".encode(), "dangerous", [("AWS Access Key on line 1", None)]
        ),
        TextSample("setup.sh", script, "dangerous", [("Private Key on line 4", None)]),
        TextSample("train.py", training, "dangerous", [("GitHub Token on line 5", None)]),
        TextSample("README.md", card, "dangerous", [("Stripe Access Key on line 7", None)]),
        TextSample("explore.ipynb", token_notebook(), "dangerous", [("GitHub Token on line 3", "cell 2")]),
        TextSample("minified.ipynb", token_notebook(indent=None), "dangerous", [("GitHub Token on line 3", "cell 2")]),
        TextSample(
            "settings.py",
            b'DEBUG = False\nDATABASE_PASSWORD = "hunter2-correct-horse"\n',
            "suspicious",
            [("Secret Keyword on line 2", None)],
        ),
        TextSample(
            "login.sh",
            f"#!/bin/sh\nhuggingface-cli login --token {HF_TOKEN}\npython train.py\n".encode(),
            "dangerous",
            [("Hugging Face Token on line 2", None)],
        ),
        TextSample(
            "space.py",
            f"import os\nos.environ['HUGGINGFACEHUB_API_TOKEN'] = '{HF_ORG_TOKEN}'\n".encode(),
            "dangerous",
            [("Hugging Face Token on line 2", None)],
        ),
        TextSample(
            "hf-placeholder.env",
            b"HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
            "clean",
        ),
        TextSample("aws-example.cfg", aws_example_config(), "clean"),
        TextSample(".env.template", b'API_KEY="${API_KEY}"\nSECRET_KEY=${SECRET_KEY}\n', "clean"),
        TextSample("config.yaml", b'api_key: "${API_KEY}"\npassword: "<your password>"\n', "clean"),
        TextSample(
            "config.json", b'{"architectures": ["BertModel"], "hidden_size": 768, "vocab_size": 30522}\n', "clean"
        ),
        TextSample("requirements.txt", b"torch==2.3.0\ntransformers>=4.40\n", "clean"),
        TextSample("run.py", b'import os\nimport sys\n\ntoken = os.environ["HF_TOKEN"]\nprint(sys.argv)\n', "clean"),
        TextSample("plots.ipynb", notebook([code_cell("plot()\n", outputs=[png_output()])]), "clean"),
        TextSample("README.txt", b"Readme\n\nA small model. Random text follows.\n", "clean"),
        TextSample("empty.txt", b"", "clean"),
    ]
