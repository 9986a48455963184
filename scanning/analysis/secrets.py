"""Secrets in text files (configs, scripts, notebooks, cards), found by detect-secrets (Yelp).

A finding names the kind of secret and where it is, "AWS Access Key on line 3", and nothing else:
never the secret, never the SHA-1 detect-secrets keeps of it (a hash of a short secret gives the
secret back to anyone who tries candidates).

The verdict, by the type detect-secrets gives each secret:
- dangerous: a type in ISSUED_TYPES. The service that issues such a credential gives it a shape of
  its own (a prefix, a fixed length, a PEM header), so a match is a credential as found;
- suspicious: any other type. Those are found by a generic shape (high-entropy strings), by the
  name of the variable beside them (the keyword plugin, and the IBM, SoftLayer and Cloudant
  patterns), or are often sample values (basic auth in a URL, JWTs): shown, never reported;
- clean: nothing found.
detect-secrets can verify some types against the live service. Never here: its verification runs
only when the `is_ignored_due_to_verification_policies` filter is configured, and it is not, so
the scanner makes no network call, no secret is "verified", and the rule is by type alone.

Placeholders are left out by detect-secrets' own heuristic filters (FILTERS: templated values such
as ${API_KEY}, sequential strings, ids, UUIDs, indirect references, values without a letter) and
by one of ours: a value ending in EXAMPLE or EXAMPLEKEY, the form of AWS's documented example keys
(AKIAIOSFODNN7EXAMPLE), which is the allow list of gitleaks' own AWS rule. The inline "pragma:
allowlist secret" comment is not honoured: it is the uploader's word, and a live key that carries
it is leaked all the same.

The content decides, never the name: a verdict belongs to the bytes, which may sit under
config.yaml in one repository and notes.txt in another, while detect-secrets picks its parsers and
keyword patterns by the file's extension. So every file is handed to it under one neutral name.

Notebooks: detect-secrets reads an .ipynb as the JSON it is, so its line numbers would count JSON
lines (and a minified notebook is one line). A notebook (nbformat 4) is scanned instead as its
cells' sources, text outputs and metadata, each numbered from its own first line, and the finding's
member names the part: "cell 3", "cell 3 output", "cell 3 metadata", "notebook metadata".
"""

from __future__ import annotations

import json
import locale
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from detect_secrets.core.scan import scan_file
from detect_secrets.settings import transient_settings

from scanning.analysis.result import Finding, ScannerResult, Verdict, package_version

NAME = "detect-secrets"
DISTRIBUTION = "detect-secrets"
# Raised when our rules change (the plugins, the filters, the types called dangerous), so the
# rescan sweep judges stored files again by them: a verdict names the code that made it.
RULES_VERSION = "1"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A verdict lists this many findings at most, dangerous ones first; a file with more (a lock file of
# hashes, a dump of keys) gets one more finding that counts the rest.
MAX_FINDINGS = 50

# Every plugin detect-secrets 1.5.0 ships but IPPublicDetector: a public IP address in a config is
# not a secret, and model cards and configs name servers all the time.
PLUGINS = (
    "ArtifactoryDetector",
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "CloudantDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "Base64HighEntropyString",
    "HexHighEntropyString",
    "IbmCloudIamDetector",
    "IbmCosHmacDetector",
    "JwtTokenDetector",
    "KeywordDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SoftlayerDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)
# The secret types (detect-secrets' own names) whose issuer gives them a shape of their own.
ISSUED_TYPES = frozenset(
    {
        "AWS Access Key",
        "Azure Storage Account access key",
        "Discord Bot Token",
        "GitHub Token",
        "GitLab Token",
        "Hugging Face Token",
        "Mailchimp Access Key",
        "NPM tokens",
        "OpenAI Token",
        "Private Key",
        "PyPI Token",
        "SendGrid API Key",
        "Slack Token",
        "Square OAuth Secret",
        "Stripe Access Key",
        "Telegram Bot Token",
        "Twilio API Key",
    }
)
# The types found by shape or by a nearby name alone, most telling first.
GENERIC_TYPES = ("Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String")
# detect-secrets' default heuristic filters, less is_line_allowlisted (see the module docstring);
# the filename filters among them see only the neutral name and never apply.
FILTERS = (
    "detect_secrets.filters.heuristic.is_sequential_string",
    "detect_secrets.filters.heuristic.is_potential_uuid",
    "detect_secrets.filters.heuristic.is_likely_id_string",
    "detect_secrets.filters.heuristic.is_templated_secret",
    "detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign",
    "detect_secrets.filters.heuristic.is_indirect_reference",
    "detect_secrets.filters.heuristic.is_not_alphanumeric_string",
    "scanning.analysis.secrets.is_documented_example",
)
# Ours, loaded by path as detect-secrets loads custom plugins: the tokens a model hub leaks most.
CUSTOM_PLUGINS = {"HuggingFaceTokenDetector": Path(__file__).with_name("secret_plugins.py")}
SETTINGS = {
    "plugins_used": [{"name": name} for name in PLUGINS]
    + [{"name": name, "path": f"file://{path}"} for name, path in CUSTOM_PLUGINS.items()],
    "filters_used": [{"path": path} for path in FILTERS],
}
# detect-secrets keeps its settings in process-wide state that transient_settings swaps in and out:
# two scans in threads of one process must not interleave.
_SETTINGS_LOCK = threading.Lock()
# The name every file is scanned under: no extension, so no extension-specific parser or pattern.
_NEUTRAL_NAME = "content"


@dataclass(frozen=True)
class _Part:
    """Text scanned on its own, its lines numbered from 1; `member` says where it is in the file."""

    member: str | None
    text: str


@dataclass(frozen=True)
class _Found:
    order: int  # the part's position in the file
    member: str | None
    line: int
    type: str
    value: str  # held only to tell two secrets on one line apart; never leaves this module


def is_documented_example(secret: str) -> bool:
    """A detect-secrets filter: AWS documents its example keys with an EXAMPLE ending; gitleaks
    allow-lists `.+EXAMPLE$` in its AWS rule (gitleaks/gitleaks@b35e7ea22a6f345ec30fb6d20f6870c90bad9999,
    cmd/generate/config/rules/aws.go). The example secret access key ends in EXAMPLEKEY."""
    return len(secret) > len("EXAMPLE") and secret.endswith(("EXAMPLE", "EXAMPLEKEY"))


def scanner_version() -> str:
    return f"{package_version(DISTRIBUTION)}+hubmod.{RULES_VERSION}"


def secrets_analyse(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ScannerResult:
    version = scanner_version()
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            reason = f"too large for the secrets scan: {size:,} bytes, over the {max_bytes:,}-byte limit"
            return ScannerResult(name=NAME, version=version, verdict="skipped", error=reason)
        raw = Path(path).read_bytes()
    except OSError as error:
        return ScannerResult(name=NAME, version=version, verdict="error", error=f"cannot read the file: {error}")
    # The sniff read the first block as UTF-8 text; a stray byte further on must not hide the rest.
    text = raw.decode("utf-8", errors="replace")
    found = _distinct(_scan(_notebook_parts(text) or [_Part(member=None, text=text)]))
    findings = [Finding("secret", f"{item.type} on line {item.line}", item.member) for item in found[:MAX_FINDINGS]]
    if len(found) > MAX_FINDINGS:
        more = found[MAX_FINDINGS:]
        types = ", ".join(sorted({item.type for item in more}))
        findings.append(Finding("secret", f"{len(more)} more not listed ({types})"))
    return ScannerResult(name=NAME, version=version, verdict=_verdict(found), findings=tuple(findings))


def _verdict(found: list[_Found]) -> Verdict:
    if any(item.type in ISSUED_TYPES for item in found):
        return "dangerous"
    return "suspicious" if found else "clean"


def _scan(parts: list[_Part]) -> list[_Found]:
    found = []
    # detect-secrets opens the file with the locale's encoding; writing it in that same encoding
    # means it never meets a byte it cannot decode (it would skip the whole file without a word).
    encoding = locale.getpreferredencoding(False)
    with tempfile.TemporaryDirectory(prefix="hubmod-secrets-") as folder, _SETTINGS_LOCK:
        neutral = Path(folder) / _NEUTRAL_NAME
        with transient_settings(SETTINGS):
            for order, part in enumerate(parts):
                neutral.write_text(part.text, encoding=encoding, errors="replace")
                found += [
                    _Found(order, part.member, secret.line_number, secret.type, secret.secret_value or "")
                    for secret in scan_file(str(neutral))
                ]
    return found


def _distinct(found: list[_Found]) -> list[_Found]:
    """One finding per secret per line, under its most telling type: several plugins often match
    one secret (an AWS secret key is also a high-entropy string assigned to a keyword; the
    high-entropy plugin takes the part of a GitHub token after its prefix). Dangerous ones first,
    then in the order of the file."""
    named: dict[tuple[int, int], list[str]] = {}
    for item in found:
        if item.type not in GENERIC_TYPES:
            named.setdefault((item.order, item.line), []).append(item.value)
    best: dict[tuple[int, int, str], _Found] = {}
    for item in found:
        if item.type in GENERIC_TYPES and any(
            item.value in value or value in item.value for value in named.get((item.order, item.line), [])
        ):
            continue
        key = (item.order, item.line, item.value)
        if key not in best or _rank(item) < _rank(best[key]):
            best[key] = item
    return sorted(best.values(), key=lambda item: (item.type not in ISSUED_TYPES, item.order, item.line, item.type))


def _rank(item: _Found) -> int:
    """Lower tells more: an issued type, another named type, then the generic ones."""
    if item.type in ISSUED_TYPES:
        return 0
    if item.type not in GENERIC_TYPES:
        return 1
    return 2 + GENERIC_TYPES.index(item.type)


def _notebook_parts(text: str) -> list[_Part] | None:
    """A Jupyter notebook's readable parts, or None for anything that is not an nbformat 4 notebook."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        notebook = json.loads(text)
    except ValueError:
        return None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list) or "nbformat" not in notebook:
        return None
    parts = [_Part("notebook metadata", _json_lines(notebook.get("metadata")))]
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            continue
        parts.append(_Part(f"cell {number}", _joined(cell.get("source"))))
        outputs = cell.get("outputs")
        if not isinstance(outputs, list):
            outputs = []
        parts.append(_Part(f"cell {number} output", "\n".join(_output_text(output) for output in outputs)))
        parts.append(_Part(f"cell {number} metadata", _json_lines(cell.get("metadata"))))
    return [part for part in parts if part.text.strip()]


def _joined(source: object) -> str:
    """nbformat stores multi-line text as one string or as a list of lines that keep their newlines."""
    if isinstance(source, list):
        return "".join(line for line in source if isinstance(line, str))
    return source if isinstance(source, str) else ""


def _output_text(output: object) -> str:
    """What a reader sees of a cell's output: stream text, text-like rich data, a traceback. Images
    and other binary data are base64 that only the high-entropy plugin would ever remark on."""
    if not isinstance(output, dict):
        return ""
    texts = [_joined(output.get("text"))]
    traceback = output.get("traceback")
    if isinstance(traceback, list):  # one line per item, without their newlines
        texts.append("\n".join(line for line in traceback if isinstance(line, str)))
    data = output.get("data")
    if not isinstance(data, dict):
        data = {}
    for mime, value in data.items():
        if mime.startswith("text/"):
            texts.append(_joined(value))
        elif mime.endswith("json"):
            texts.append(_json_lines(value))
    return "\n".join(text.rstrip("\n") for text in texts if text)


def _json_lines(value: object) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) if value else ""
