"""WCAG 2.x contrast: relative luminance, ratios, and the nearest darker colour that passes AA.

Landing templates put white text on the primary and secondary colours (buttons, bands), so
each must reach 4.5:1 against white; a colour that does not is darkened step by step, keeping
its hue, until it does.
"""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5
WHITE = (255, 255, 255)


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


def readable_on_white(color: str) -> str:
    """``color`` (as #rrggbb) if white text on it passes AA, else the nearest darker shade."""
    rgb = parse_hex(color)
    factor = 1.0
    shade = rgb
    while ratio(shade, WHITE) < AA_NORMAL_TEXT and factor > 0:
        factor -= 0.02
        shade = (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
    return to_hex(shade)
