"""Bytes to text for plain-text formats: size limits, binary detection and encodings.

Trust documents arrive as UTF-8, Windows-1252 (Word "Save as text") or UTF-16 (some transcript
exports); guessing wrong silently corrupts quotes, so undecodable or binary input is an error.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from spectrum.errors import IngestError

#: Largest file read at all; larger files are refused rather than risk exhausting memory.
MAX_FILE_BYTES = 50 * 1024 * 1024


def check_size(path: Path, limit: int = MAX_FILE_BYTES) -> int:
    """Refuse empty files and files over ``limit`` before reading them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path) from exc
    if size == 0:
        raise IngestError("empty file", path)
    if size > limit:
        raise IngestError(
            f"file is {size / 2**20:.0f} MB, over the {limit / 2**20:.0f} MB limit; split it first",
            path,
        )
    return size


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole file after checking its size."""
    check_size(path, limit)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path) from exc


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy(data: bytes, where: Path | str) -> str:
    """Windows-1252 first (what Word and Outlook in England save), then a detector's best guess."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise IngestError("not text in any known encoding (binary file?)", where)
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise IngestError(f"cannot decode as {best.encoding}", where) from None


def decode_text(data: bytes, where: Path | str) -> str:
    """Decode bytes as text, or raise ``IngestError`` if they are binary or undecodable."""
    if not data.strip():
        raise IngestError("empty file", where)
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(f"invalid {encoding} text at byte {exc.start}", where) from exc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise IngestError("binary file, not text (NUL bytes found)", where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _legacy(data, where)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:20000]) // 50):
        raise IngestError("binary file, not text (control characters)", where)
    if not text.strip():
        raise IngestError("empty file", where)
    return text
