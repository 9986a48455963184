"""picklescan: lists the globals a pickle imports (pickletools opcodes, never unpickling) and
classes each against its deny list and allow list."""

from __future__ import annotations

import logging

from picklescan.scanner import SafetyLevel, scan_pickle_bytes  # type: ignore[import-untyped]

from scanning.analysis.result import Finding, ScannerResult, package_version, verdict_from_findings
from scanning.analysis.sniff import PickleStream

NAME = "picklescan"
DISTRIBUTION = "picklescan"

# picklescan logs every finding at WARNING and every parse error at ERROR with a traceback; the
# findings are returned to the caller instead, so its log would only repeat them.
logging.getLogger("picklescan").setLevel(logging.CRITICAL)


def picklescan_analyse(streams: list[PickleStream]) -> ScannerResult:
    findings: list[Finding] = []
    for stream in streams:
        label = stream.member or "file"
        result = scan_pickle_bytes(stream.data, label, multiple_pickles=True)
        for item in sorted(result.globals, key=lambda g: (g.module, g.name)):
            dotted = f"{item.module}.{item.name}"
            if item.safety == SafetyLevel.Dangerous:
                findings.append(Finding("unsafe_global", dotted, stream.member))
            elif item.safety == SafetyLevel.Suspicious:
                findings.append(Finding("unknown_global", dotted, stream.member))
        if result.scan_err:
            findings.append(Finding("broken_pickle", "the stream breaks off after importing", stream.member))
    return ScannerResult(
        name=NAME,
        version=package_version(DISTRIBUTION),
        verdict=verdict_from_findings(findings, dangerous={"unsafe_global"}),
        findings=tuple(findings),
    )
