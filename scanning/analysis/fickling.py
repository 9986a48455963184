"""fickling: decompiles a pickle's opcodes into the Python it would run (a symbolic interpreter,
never unpickling) and judges that code: imports, calls, unused results, malformed streams."""

from __future__ import annotations

import re

from fickling.analysis import AnalysisResult, Severity, check_safety  # type: ignore[import-untyped]
from fickling.fickle import EmptyPickleError, Pickled  # type: ignore[import-untyped]
from fickling.ml import ML_ALLOWLIST  # type: ignore[import-untyped]

from scanning.analysis.result import Finding, ScannerResult, package_version, verdict_from_findings
from scanning.analysis.sniff import PickleStream

NAME = "fickling"
DISTRIBUTION = "fickling"

# A legacy PyTorch checkpoint is several pickles in a row (magic number, protocol, system info,
# the tensors); more than this in one stream is not a format anyone writes.
MAX_STACKED_PICKLES = 16
IMPORT_ANALYSES = {"NonStandardImports", "UnsafeImports", "UnsafeImportsML", "ScannerDeactivation"}
CALL_ANALYSES = {"OvertlyBadEval", "UnusedVariables"}
_IMPORT = re.compile(r"from (?P<module>[\w.]+) import (?P<names>[\w, ]+)")


def fickling_analyse(streams: list[PickleStream]) -> ScannerResult:
    findings: list[Finding] = []
    for stream in streams:
        for pickled in _stacked(stream):
            findings.extend(_findings(pickled, stream.member))
    return ScannerResult(
        name=NAME,
        version=package_version(DISTRIBUTION),
        verdict=verdict_from_findings(findings, dangerous={"unsafe_import", "unsafe_call"}),
        findings=tuple(dict.fromkeys(findings)),
    )


def _stacked(stream: PickleStream) -> list[Pickled]:
    pickles: list[Pickled] = []
    while len(pickles) < MAX_STACKED_PICKLES:
        try:
            pickled = Pickled.load(stream.data, fail_on_decode_error=False)
        except EmptyPickleError:
            break
        if len(pickled) == 0:
            break
        pickles.append(pickled)
        if pickled.has_invalid_opcode:
            break
    return pickles


def _findings(pickled: Pickled, member: str | None) -> list[Finding]:
    results = [
        result
        for result in check_safety(pickled).results
        if result.severity > Severity.LIKELY_SAFE and not _allowlisted_import(result)
    ]
    # fickling flags any call to a callable from outside the standard library as possibly unsafe,
    # and every real checkpoint calls torch's tensor rebuilders. A pickle can only call what it
    # imported: when every import is standard or on fickling's own ML allow list (nothing was
    # flagged above), such calls and their unused results are the checkpoint's normal work.
    # Overtly malicious calls (eval, exec, ...) are kept whatever was imported.
    if not any(result.analysis_name in IMPORT_ANALYSES for result in results):
        results = [
            result
            for result in results
            if result.analysis_name not in CALL_ANALYSES or result.severity >= Severity.LIKELY_OVERTLY_MALICIOUS
        ]
    findings = []
    for result in results:
        if result.analysis_name in ("InterpretationError", "InvalidOpcode"):
            findings.append(Finding("broken_pickle", str(result), member))
            continue
        dotted = _dotted(result.trigger)
        if result.severity < Severity.LIKELY_OVERTLY_MALICIOUS:
            kind = "suspicious_code"
        else:
            kind = "unsafe_import" if dotted else "unsafe_call"
        findings.append(Finding(kind, dotted or result.trigger or str(result), member))
    if pickled.has_invalid_opcode:
        findings.append(Finding("broken_pickle", "the stream breaks off mid-way", member))
    return findings


def _dotted(trigger: str | None) -> str | None:
    """The offending globals as `module.name` when the trigger is an import."""
    match = _IMPORT.fullmatch(trigger or "")
    if match is None:
        return None
    names = [name.strip() for name in match["names"].split(",")]
    return ", ".join(f"{match['module']}.{name}" for name in names)


def _allowlisted_import(result: AnalysisResult) -> bool:
    # fickling's default analyses flag every import from outside the standard library, which
    # includes torch's own tensor rebuilders in every checkpoint; fickling keeps an allow list of
    # such ML globals (its ML_ALLOWLIST) for exactly this, which we apply to those findings only.
    if result.analysis_name != "NonStandardImports":
        return False
    match = _IMPORT.fullmatch(result.trigger or "")
    if match is None:
        return False
    allowed = ML_ALLOWLIST.get(match["module"], {})
    return all(name.strip() in allowed for name in match["names"].split(","))
