"""Analysers that look inside a downloaded file and say what they found. Pure Python: no Django
but the settings run.py reads for them, and nothing here ever unpickles."""

from scanning.analysis.result import Finding, ScannerResult, Verdict, verdict_worst
from scanning.analysis.run import analyse
from scanning.analysis.sniff import Kind, sniff

__all__ = ["Finding", "Kind", "ScannerResult", "Verdict", "analyse", "sniff", "verdict_worst"]
