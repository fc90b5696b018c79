"""WCAG 2.x contrast: relative luminance, ratios, and the nearest darker colour that passes AA.

Pages put the brand colours to two uses: as a background under white text (buttons, bands,
the chosen day) and as text on the light surfaces of ``web/static/pages.css`` (links on the
paper, on the booking calendar's tinted day cells, in notices, on the kids page). Each colour
must reach 4.5:1 against every one of them; a colour that does not is darkened step by step,
keeping its hue, until it does. All these surfaces are light, so darkening only gains contrast.
"""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5
WHITE = (255, 255, 255)
# The surfaces pages.css sets brand-coloured text on (white is also the text set on the brand
# colour). A new light surface under var(--primary) or var(--secondary) text belongs here;
# tests/web/test_contrast.py checks this list against pages.css.
SURFACES: dict[str, tuple[int, int, int]] = {
    "white": WHITE,
    "calendar day": (0xEF, 0xF6, 0xFF),  # .month a
    "notice": (0xF3, 0xF4, 0xF6),  # .notice
    "refusal notice": (0xFE, 0xF2, 0xF2),  # .notice.refused
    "kids page": (0xFF, 0xFB, 0xEB),  # .t-kids_1
}


def parse_hex(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in rgb)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def worst(color: str) -> tuple[str, float]:
    """The surface ``color`` reads worst on, and its contrast ratio there."""
    rgb = parse_hex(color)
    return min(
        ((name, ratio(rgb, surface)) for name, surface in SURFACES.items()),
        key=lambda found: found[1],
    )


def readable(color: str) -> str:
    """``color`` (as #rrggbb) if it passes AA against every surface in SURFACES, else the
    nearest darker shade that does."""
    rgb = parse_hex(color)
    factor = 1.0
    shade = rgb
    while worst(to_hex(shade))[1] < AA_NORMAL_TEXT and factor > 0:
        factor -= 0.02
        shade = (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
    return to_hex(shade)
