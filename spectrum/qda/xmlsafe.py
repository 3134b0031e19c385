"""Safe parsing and REFI-QDA schema validation of XML that other people's tools wrote.

A ``.qdpx`` can come from anywhere, so its XML is parsed with defusedxml, which refuses DTDs and
entity declarations before any expansion happens (the "billion laughs" bomb, external entities).
The schema check then runs on the already parsed tree, so the validator never resolves or
fetches anything itself. Our own exports go through the same check before they are written: a
file that a QDA tool would reject is never produced.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Literal

import defusedxml.ElementTree as SafeET
import xmlschema
from defusedxml import DefusedXmlException

from spectrum.errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

SchemaName = Literal["Project", "Codebook"]


def schema_path(name: SchemaName) -> Path:
    """Where the shipped XSD lives (found through the package, never relative to the caller)."""
    return Path(str(resources.files("spectrum.qda") / "schemas" / f"{name}.xsd"))


@functools.cache
def schema(name: SchemaName) -> xmlschema.XMLSchema:
    """The compiled schema, built once per process (compiling takes a noticeable fraction of a second)."""
    return xmlschema.XMLSchema(str(schema_path(name)))


def parse(data: bytes, what: str, where: str | Path) -> ET.Element:
    """Parse untrusted XML; DTDs, entities and malformed text become one-line errors."""
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"{what} contains a DTD or entity declarations ({type(exc).__name__}); refused, "
            "as REFI-QDA files never need them and they are how XML entity-expansion bombs work",
            where,
        ) from None
    except ET.ParseError as exc:
        raise InputError(f"{what} is not well-formed XML ({exc})", where) from None
    return root


def validate(root: ET.Element, name: SchemaName, what: str, where: str | Path) -> None:
    """Raise on the first schema violation, saying where in the document it is."""
    error = next(iter(schema(name).iter_errors(root)), None)
    if error is None:
        return
    reason = " ".join(str(error.reason or error.message).split())
    at = f" at {error.path}" if error.path else ""
    raise InputError(f"{what} does not follow the REFI-QDA {name.lower()} schema{at}: {reason}", where)


def to_bytes(root: ET.Element) -> bytes:
    """Serialise a tree built with plain tag names under a root that declares ``xmlns``.

    Declaring the default namespace on the root keeps every element in it without prefixes,
    which is how QDA tools write these files (ElementTree's own ``default_namespace`` option
    refuses unprefixed attributes, which the REFI schemas use throughout).
    """
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
