"""The fakes of outside services stay out of production paths: only the development entry
points import ``immersio_booking.fakes`` (imports inside functions count)."""

from __future__ import annotations

import ast
from pathlib import Path

import immersio_booking

PACKAGE = Path(immersio_booking.__file__).parent
FAKES = "immersio_booking.fakes"
# Modules (paths under src/immersio_booking) that may import the fakes, and why.
ALLOWED = {
    "demo.py",  # `make run`'s demo school is connected to the Immersio simulator
    "cli/service.py",  # `serve` starts the simulator for the demo school
    "cli/immersio.py",  # the `fake-immersio` command
    "cli/zoom.py",  # the `fake-zoom` command
}


def _module_of(path: Path) -> list[str]:
    parts = ["immersio_booking", *path.relative_to(PACKAGE).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path, tree: ast.AST) -> list[str]:
    """Every module name an ``import`` or ``from … import`` of the file reaches, absolute."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _module_of(path)
                if path.name != "__init__.py":
                    package = package[:-1]
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def importers_of_fakes() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("fakes/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        if any(n == FAKES or n.startswith(FAKES + ".") for n in _imported(path, tree)):
            found.add(relative)
    return found


def test_only_development_entry_points_import_the_fakes() -> None:
    unexpected = importers_of_fakes() - ALLOWED
    assert not unexpected, (
        f"{sorted(unexpected)} import {FAKES}: fakes of outside services are for development"
        " and tests only. Call the real service behind its interface, or, for a development"
        " entry point, add it to ALLOWED with the reason."
    )


def test_the_allowed_importers_exist() -> None:
    assert all((PACKAGE / module).is_file() for module in ALLOWED)


def test_the_walk_sees_every_kind_of_import() -> None:
    cases = {
        "import immersio_booking.fakes.immersio": True,
        "from immersio_booking.fakes import immersio": True,
        "from immersio_booking import fakes": True,
        "def f():\n    from immersio_booking.fakes.immersio import generate": True,
        "from ..fakes import immersio": True,
        "from immersio_booking.immersio import client": False,
    }
    path = PACKAGE / "cli" / "example.py"  # only named, never written
    for source, imports_fakes in cases.items():
        names = _imported(path, ast.parse(source))
        assert any(n == FAKES or n.startswith(FAKES + ".") for n in names) is imports_fakes, source
