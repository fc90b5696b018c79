"""Brand colours stay readable on every surface pages.css sets them on, not only on white."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immersio_booking.landing import contrast
from immersio_booking.landing.service import palette
from immersio_booking.models import TenantLandingSettings

CSS = Path(contrast.__file__).resolve().parents[1] / "web" / "static" / "pages.css"
LIGHT = ["#f5d90a", "#ffcc00", "#ffff00", "#00ffff", "#ffffff", "#fca5a5", "#86efac", "#ff0000"]
DARK = ["#1d4ed8", "#0f766e", "#123456", "#7c3aed", "#000000"]


def surfaces_in_css() -> dict[str, tuple[int, int, int]]:
    """Every plain colour pages.css paints a background with, by its hex."""
    found = re.findall(r"background(?:-color)?:(#[0-9a-fA-F]{3,6})\b", CSS.read_text())
    return {value.lower(): contrast.parse_hex(value) for value in found}


def used(primary: str, secondary: str = "#0f766e") -> tuple[str, str]:
    chosen = palette(TenantLandingSettings(primary_color=primary, secondary_color=secondary))
    return chosen.primary, chosen.secondary


@pytest.mark.parametrize("color", LIGHT + DARK)
def test_the_colour_pages_use_reads_on_every_surface(color: str) -> None:
    for shade in used(color, color):
        for name, surface in contrast.SURFACES.items():
            assert contrast.ratio(contrast.parse_hex(shade), surface) >= 4.5, (color, shade, name)


def test_a_light_brand_colour_is_readable_on_the_calendars_day_cells() -> None:
    """The booking page's free days are links in the brand colour on a tinted cell (#eff6ff):
    yellow darkened only until it passes on white stayed below 4.5:1 there."""
    day_cell = contrast.parse_hex(
        re.search(r"\.month a\{background:(#[0-9a-f]+)", CSS.read_text())[1]
    )  # type: ignore[index]
    for color in LIGHT:
        primary, _ = used(color)
        assert contrast.ratio(contrast.parse_hex(primary), day_cell) >= 4.5, (color, primary)


@pytest.mark.parametrize("color", DARK)
def test_a_colour_that_already_reads_well_is_kept(color: str) -> None:
    assert used(color, color) == (color, color)
    assert palette(TenantLandingSettings(primary_color=color, secondary_color=color)).warnings == []


def test_the_darkened_colour_keeps_its_hue_and_is_the_lightest_that_passes() -> None:
    primary, _ = used("#f5d90a")
    r, g, b = contrast.parse_hex(primary)
    assert r > g > b and abs(r / g - 0xF5 / 0xD9) < 0.05  # still a yellow, only darker
    factor = round(r / 0xF5, 2)  # the step before it was not dark enough yet
    lighter = contrast.to_hex(tuple(round(c * (factor + 0.02)) for c in (0xF5, 0xD9, 0x0A)))  # type: ignore[arg-type]
    assert contrast.worst(lighter)[1] < 4.5


def test_every_light_surface_of_the_stylesheet_is_checked() -> None:
    """A new light background in pages.css must join SURFACES, or brand-coloured text on it
    would go unchecked (dark surfaces carry light text of their own, never the brand colour)."""
    light = {value for value, rgb in surfaces_in_css().items() if contrast.luminance(rgb) > 0.5}
    assert light, "pages.css paints no light surface? the pattern no longer matches"
    assert {contrast.parse_hex(v) for v in light} <= set(contrast.SURFACES.values()), light


def test_the_warning_names_the_surface_and_the_colour_used() -> None:
    (warning,) = palette(TenantLandingSettings(primary_color="#f5d90a")).warnings
    assert warning.used != "#f5d90a" and "4.5:1" in warning.message
    assert "notice" in warning.message  # the light grey notice is where yellow reads worst
