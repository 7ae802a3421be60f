"""Landscape illustrations drawn locally for the demo stories, coloured by section."""

from __future__ import annotations

import io
import random

from PIL import Image as PILImage
from PIL import ImageDraw

PALETTES = {
    "politics": [(24, 38, 71), (178, 58, 72), (242, 201, 150)],
    "business": [(14, 59, 67), (41, 128, 119), (235, 225, 170)],
    "culture": [(73, 29, 84), (214, 99, 73), (249, 214, 120)],
    "technology": [(12, 22, 48), (47, 95, 181), (134, 226, 232)],
}


def illustration(seed: str, section: str, size=(1600, 900)) -> bytes:
    """A landscape illustration drawn locally: sky gradient, sun and layered hills."""
    rng = random.Random(seed)  # noqa: S311 - picture layout, not security
    deep, warm, light = PALETTES.get(section, PALETTES["politics"])
    width, height = size
    image = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(light[i] * (1 - t) + warm[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x, sun_y, radius = (
        rng.randint(200, width - 200),
        rng.randint(120, 380),
        rng.randint(60, 140),
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius],
        fill=(255, 244, 214),
    )
    for layer in range(4):
        shade = tuple(
            int(deep[i] * (0.55 + 0.15 * layer) + warm[i] * (0.3 - 0.07 * layer)) for i in range(3)
        )
        base = int(height * (0.45 + 0.13 * layer))
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, base - rng.randint(0, 160 - 30 * layer)))
            x += rng.randint(80, 220)
        points += [(width, base), (width, height)]
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
