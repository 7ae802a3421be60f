"""What the photographer wrote into the file: caption, credit, copyright and keywords.

Agencies and cameras write them twice over: as IPTC IIM records (the old binary block in a JPEG's
APP13 segment) and as XMP (RDF/XML, Unicode). XMP wins where both say something, as the IPTC
standard advises. Pillow reads both (`getiptcinfo`, and `getxmp`, which parses with defusedxml so
no entity or DTD tricks reach us). Reading is best effort: a damaged block is ignored, never a
reason to refuse a photo. The values only pre-fill the form; the stored files carry no metadata.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from PIL import IptcImagePlugin
from PIL.ImageFile import ImageFile

DC = "{http://purl.org/dc/elements/1.1/}"
PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
IPTC_CORE = "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}"
# IIM record 2 datasets; those marked * may repeat.
IIM = {
    "caption": (2, 120),
    "byline": (2, 80),  # *
    "credit": (2, 110),
    "copyright": (2, 116),
    "keywords": (2, 25),  # *
}
IIM_CHARSET = (1, 90)
UTF8_ESCAPE = b"\x1b%G"
# The lengths of the form's fields (and the columns behind them).
LIMITS = {"alt": 300, "caption": 500, "credit": 200, "copyright": 200, "keywords": 500}
RDF_LISTS = ("}Alt", "}Bag", "}Seq", "}li")
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass
class FileDetails:
    """The words found in a photo's file, each "" where the file says nothing."""

    alt: str = ""
    caption: str = ""
    credit: str = ""
    copyright: str = ""
    keywords: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __bool__(self) -> bool:
        return any(self.as_dict().values())


def read_details(image: ImageFile) -> FileDetails:
    """Caption, credit (by-line/credit), copyright, keywords and alt text from IPTC and XMP."""
    iptc, xmp = _iptc(image), _xmp(image)
    found = {name: xmp.get(name) or iptc.get(name) or [] for name in (*IIM, "alt")}
    byline = ", ".join(found["byline"])
    credit = _first(found["credit"])
    if byline and credit and credit.casefold() not in byline.casefold():
        credit = f"{byline}/{credit}"
    details = FileDetails(
        alt=_first(found["alt"]),
        caption=_first(found["caption"]),
        credit=credit or byline,
        copyright=_first(found["copyright"]),
        keywords=", ".join(dict.fromkeys(_keyword(k) for k in found["keywords"] if _keyword(k))),
    )
    for name, limit in LIMITS.items():
        setattr(details, name, _fit(getattr(details, name), limit))
    return details


def _iptc(image: ImageFile) -> dict[str, list[str]]:
    try:
        records = IptcImagePlugin.getiptcinfo(image) or {}
    except (ValueError, SyntaxError, TypeError, IndexError, KeyError, OSError):
        return {}
    charset = records.get(IIM_CHARSET)
    utf8 = charset is not None and UTF8_ESCAPE in _as_list(charset)[0]
    return {
        name: [_decode(value, utf8) for value in _as_list(records[dataset])]
        for name, dataset in IIM.items()
        if dataset in records
    }


def _xmp(image: ImageFile) -> dict[str, list[str]]:
    try:
        return _xmp_words(image)
    except (ValueError, SyntaxError, TypeError, AttributeError, RecursionError):
        # defusedxml's refusals are ValueErrors, a parse error is a SyntaxError, and a block
        # nested thousands deep (a crafted file) a RecursionError: none refuses the photo.
        return {}


def _xmp_words(image: ImageFile) -> dict[str, list[str]]:
    tree = image.getxmp(strip_namespaces=False)
    wanted = {
        DC + "description": "caption",
        DC + "creator": "byline",
        PHOTOSHOP + "Credit": "credit",
        DC + "rights": "copyright",
        DC + "subject": "keywords",
        IPTC_CORE + "AltTextAccessibility": "alt",
    }
    found: dict[str, list[str]] = {}
    for description in _descriptions(tree):
        for tag, value in description.items():
            if tag in wanted:
                found.setdefault(wanted[tag], []).extend(_texts(value))
    return found


def _descriptions(node) -> list[dict]:
    """Every rdf:Description block, wherever in the tree (XMP may split them)."""
    found = []
    if isinstance(node, list):
        for item in node:
            found += _descriptions(item)
    elif isinstance(node, dict):
        for tag, value in node.items():
            if tag.endswith("}Description"):
                found += [v for v in _as_list(value) if isinstance(v, dict)]
            else:
                found += _descriptions(value)
    return found


def _texts(value) -> list[str]:
    """The words of an XMP property: a plain value, a language alternative or a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        if "text" in value:
            return [value["text"]] if isinstance(value["text"], str) else []
        lists = [item for tag, item in value.items() if tag.endswith(RDF_LISTS)]
        return [text for item in lists for text in _texts(item)]
    return []


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _decode(value: bytes, utf8: bool) -> str:
    if utf8:
        return value.decode("utf-8", errors="replace")
    try:
        return value.decode("utf-8")  # many writers omit the charset record
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _keyword(text: str) -> str:
    return " ".join(text.replace(",", " ").split())  # the library keeps keywords comma-separated


def _first(values: list[str]) -> str:
    return next((v for v in values if v.strip()), "")


def _fit(text: str, limit: int) -> str:
    text = " ".join(CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
