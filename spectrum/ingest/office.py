"""What Word and PowerPoint files share: a zip-bomb check first, and one error for a damaged file.

python-docx and python-pptx inflate every part they open; a 0.75 MB file declaring hundreds of MB
takes seconds and most of a gigabyte, so declared sizes and compression ratios are checked first.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spectrum.errors import IngestError

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000


def check_zip(path: Path, what: str) -> None:
    """Refuse archives that are not zips or whose declared contents would inflate too far."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"corrupt or truncated {what} (not a valid zip archive)", path) from exc
    if len(infos) > MAX_MEMBERS:
        raise IngestError(f"{what} has {len(infos)} parts; refusing (possible zip bomb)", path)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise IngestError(
            f"{what} declares {total / 1e6:.0f} MB uncompressed, over {MAX_UNCOMPRESSED / 1e6:.0f} MB (zip bomb?)",
            path,
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            raise IngestError(f"{what} part {info.filename} compresses {info.file_size // info.compress_size}:1 (zip bomb?)", path)


@contextmanager
def office_errors(path: Path, what: str) -> Iterator[None]:
    """Whatever python-docx or python-pptx raises on a damaged file, as one ``IngestError``."""
    try:
        yield
    except IngestError:
        raise
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, AttributeError, TypeError) as exc:
        raise IngestError(f"corrupt {what} ({type(exc).__name__}: {str(exc)[:80]})", path) from exc
    except Exception as exc:  # each library's PackageNotFoundError; lxml's XMLSyntaxError for damaged parts
        if type(exc).__name__ in {"PackageNotFoundError", "XMLSyntaxError", "BadZipFile"}:
            raise IngestError(f"corrupt {what} ({type(exc).__name__}: {str(exc)[:80]})", path) from exc
        raise
