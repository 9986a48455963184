"""detect-secrets plugins of our own, for the credentials a model hub leaks most and detect-secrets
1.5.0 does not know: Hugging Face access tokens. Loaded by path (secrets.SETTINGS), as
detect-secrets loads custom plugins; nothing here is imported by the rest of hubmod.

Ported from gitleaks' rules (gitleaks/gitleaks@02788fb5ec7f20b962f5e01437f4baacbca3e8fa,
cmd/generate/config/rules/huggingface.go): `hf_` or `api_org_` then 34 letters, as a whole token,
with a Shannon entropy of at least 2 over the token, which leaves out "hf_xxxx..." placeholders.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Generator

from detect_secrets.plugins.base import RegexBasedDetector

# gitleaks' GenerateUniqueTokenRegex: no word character before, and a quote, whitespace, ';', '`'
# or the end after.
_TOKEN = r"(?<![A-Za-z0-9_]){prefix}[A-Za-z]{{34}}(?=['\"\s;`|]|$)"  # noqa: S105 - a pattern, not a password
MIN_ENTROPY = 2.0


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face user access tokens and (retired, still accepted by old deployments) org tokens."""

    secret_type = "Hugging Face Token"  # noqa: S105 - the name of a kind of secret
    denylist = (re.compile(_TOKEN.format(prefix="hf_")), re.compile(_TOKEN.format(prefix="api_org_")))

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        for match in super().analyze_string(string):
            if shannon_entropy(match) >= MIN_ENTROPY:
                yield match
