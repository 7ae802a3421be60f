"""Photo files as agencies and phones send them, built here: a JPEG with IPTC (IIM) records in an
APP13 segment, a JPEG with XMP, an iPhone's HEIC, and a picture with one coloured quadrant."""

from __future__ import annotations

import io

from PIL import Image as PILImage

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
  photoshop:Credit="Reuters">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>Anupam Nath</rdf:li></rdf:Seq></dc:creator>
<dc:subject><rdf:Bag><rdf:li>monsoon</rdf:li><rdf:li>Assam</rdf:li><rdf:li>rescue</rdf:li></rdf:Bag></dc:subject>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Thomson Reuters</rdf:li></rdf:Alt></dc:rights>
<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Boats on a flooded street</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>"""
XMP_CAPTION = "Rescuers row through flood water in Guwahati"

IPTC_CAPTION = "Garment workers leave a factory in Dhaka"
IPTC_RECORDS = [
    (1, 90, b"\x1b%G"),  # the records are UTF-8
    (2, 120, IPTC_CAPTION.encode()),
    (2, 80, b"Mei Lin Tan"),
    (2, 110, b"AFP"),
    (2, 116, "© AFP 2026".encode()),
    (2, 25, b"garments"),
    (2, 25, b"Bangladesh"),
]


def plain_jpeg(size=(1200, 800), colour=(180, 40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG", quality=85, **save)
    return buffer.getvalue()


def xmp_jpeg(caption: str = XMP_CAPTION) -> bytes:
    """A JPEG whose XMP packet (written by Pillow) has a caption, by-line, credit, rights,
    keywords and alt text."""
    return plain_jpeg(xmp=XMP.format(caption=caption).encode())


def iptc_jpeg() -> bytes:
    """A JPEG with IPTC IIM records in a Photoshop APP13 segment, as agency software writes."""
    iim = b"".join(
        bytes([0x1C, record, dataset]) + len(value).to_bytes(2, "big") + value
        for record, dataset, value in IPTC_RECORDS
    )
    # An 8BIM image resource 0x0404 (IPTC-NAA) with an empty, padded name, padded to even size.
    resource = (
        b"8BIM\x04\x04\x00\x00" + len(iim).to_bytes(4, "big") + iim + b"\x00" * (len(iim) % 2)
    )
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload
    jpeg = plain_jpeg()
    return jpeg[:2] + segment + jpeg[2:]  # right after the start-of-image marker


def heic(size=(640, 480), colour=(30, 140, 60)) -> bytes:
    """A real HEIC, encoded by pillow-heif (libheif), as an iPhone saves it."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


RED, BLUE = (220, 20, 20), (20, 40, 220)


def quadrant_jpeg(size=(4000, 1000)) -> bytes:
    """A wide picture, blue but for its top-left quadrant, which is red: a crop centred on the
    left shows red at its top, one centred on the right shows only blue."""
    image = PILImage.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def near(pixel, colour, slack=40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))
