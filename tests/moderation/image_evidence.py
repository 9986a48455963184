"""Reports that carry image evidence, for the console's tests: a real PNG (a browser must be able to
draw it), filed through the intake service as a reporter would."""

import hashlib
import struct
import zlib

from hubmod.actors import Actor
from reports.evidence import EvidenceFile
from reports.models import Report
from reports.services import Origin, ReporterIdentity, Subject, report_file
from tests.factories import RepositoryFactory


def png(width: int, height: int) -> bytes:
    """Red and white stripes: bright, so that a blur or greyscale that fails shows in a screenshot."""
    stripes = [(200, 30, 30) if (x // 8) % 2 else (255, 255, 255) for x in range(width)]
    row = b"\x00" + b"".join(bytes(pixel) for pixel in stripes)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(row * height)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def evidence_file(name: str, content: bytes, content_type: str) -> EvidenceFile:
    return EvidenceFile(name, content, content_type, hashlib.sha256(content).hexdigest())


def report_with(*files: EvidenceFile, category: str = "other") -> Report:
    """A report of `category` about a new repository, with `files` as its evidence."""
    report, _ = report_file(
        actor=Actor.reporter(),
        subject=Subject("repository", RepositoryFactory().full_name),
        category=category,
        details={"explanation": "The demo's output, as a screenshot."},
        reporter=ReporterIdentity(name="Rita Reporter", email="rita@example.org"),
        origin=Origin(source=Report.Source.API, evidence=list(files)),
    )
    return report


def report_with_image(name: str = "shot.png", *, width: int = 80, category: str = "other") -> Report:
    return report_with(evidence_file(name, png(width, 60), "image/png"), category=category)
