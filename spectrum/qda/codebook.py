"""Our codes as a REFI-QDA codebook (``.qdc``), the file QDA tools import to code with our labels.

The file is validated against the REFI-QDA codebook schema before it is returned, so a tool
that rejects it would be rejecting the standard, not a slip of ours.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from spectrum import __version__
from spectrum.qda.codes import Code, CodeTree, code_tree
from spectrum.qda.xmlsafe import CODEBOOK_NS, parse, to_bytes, validate


def _code(parent: ET.Element, code: Code, tree: CodeTree) -> None:
    attrs = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.color:
        attrs["color"] = code.color
    el = ET.SubElement(parent, "Code", attrs)
    if code.description:
        ET.SubElement(el, "Description").text = code.description
    for child in tree.children(code.path):
        _code(el, child, tree)


def add_codes(codes: ET.Element, tree: CodeTree) -> None:
    """Append the tree as nested ``Code`` elements; codebooks and projects share this shape."""
    for top in tree.children(None):
        _code(codes, top, tree)


def codebook_bytes(tree: CodeTree | None = None) -> bytes:
    """The ``.qdc`` document, validated."""
    tree = tree or code_tree()
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"trust-spectrum {__version__}"})
    add_codes(ET.SubElement(root, "Codes"), tree)
    data = to_bytes(root)
    validate(parse(data, "codebook", "export"), "Codebook", "codebook", "export")
    return data
