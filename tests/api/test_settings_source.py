"""One way to get settings (issue 13, item 4), held by a walk over the source.

Requests: the ``AppSettings`` dependency, or ``app_settings(request)`` in a helper that has the
request (``kit/dependencies.py``). Jobs: ``jobs.context.settings()``, the settings the worker was
started with. ``config.get_settings()`` (a cached read of the environment) only at the edges
that resolve the settings for everyone else, and ``app.state.settings`` only where the app is
given them and where the dependency reads them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "immersio_booking"

# Module (path under src/immersio_booking) → why it may call get_settings().
GET_SETTINGS_ALLOWED = {
    "app.py": "create_app's default when no settings are given",
    "cli": "the command line resolves the settings (load_settings)",
    "demo.py": "the demo loader, run by the CLI",
    "jobs/app.py": "jobs bootstrap: the queue's default pool, when opened outside a worker",
}

# Module → why it may touch ``<app>.state.settings``.
APP_STATE_SETTINGS_ALLOWED = {
    "app.py": "create_app puts the settings on the app",
    "kit/dependencies.py": "app_settings(request), the one reader",
}


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(SOURCE).as_posix(): ast.parse(path.read_text(), str(path))
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.relative_to(SOURCE).parts
    }


def _allowed(module: str, allowed: dict[str, str]) -> bool:
    return any(module == entry or module.startswith(entry + "/") for entry in allowed)


def _get_settings_uses(tree: ast.Module) -> list[int]:
    """Lines that import or call ``get_settings`` (the config one: a call by that name)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "immersio_booking.config":
            lines += [node.lineno for alias in node.names if alias.name == "get_settings"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "get_settings":
                lines.append(node.lineno)
    return lines


def _state_settings_uses(tree: ast.Module) -> list[int]:
    """Lines that read or write ``<something>.state.settings``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "settings"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "state"
    ]


Uses = Callable[[ast.Module], list[int]]


def _offenders(allowed: dict[str, str], uses: Uses) -> list[str]:
    found = []
    for module, tree in _modules().items():
        if _allowed(module, allowed):
            continue
        found += [f"{module}:{line}" for line in uses(tree)]
    return found


def test_get_settings_only_at_the_edges() -> None:
    offenders = _offenders(GET_SETTINGS_ALLOWED, _get_settings_uses)
    assert not offenders, (
        "get_settings() outside the edges; requests take `settings: AppSettings` "
        "(immersio_booking.kit.dependencies), jobs call jobs.context.settings(): "
        f"{offenders}"
    )


def test_app_state_settings_only_through_the_dependency() -> None:
    offenders = _offenders(APP_STATE_SETTINGS_ALLOWED, _state_settings_uses)
    assert not offenders, (
        "app.state.settings read directly; take `settings: AppSettings` or call "
        f"app_settings(request) (immersio_booking.kit.dependencies): {offenders}"
    )


def test_the_allowed_lists_name_only_modules_that_still_need_it() -> None:
    """A module converted (or moved) leaves the list, so the list only ever shrinks."""
    modules = _modules()
    stale = []
    checks: tuple[tuple[dict[str, str], Uses], ...] = (
        (GET_SETTINGS_ALLOWED, _get_settings_uses),
        (APP_STATE_SETTINGS_ALLOWED, _state_settings_uses),
    )
    for allowed, uses in checks:
        for entry in allowed:
            covered = [m for m in modules if _allowed(m, {entry: ""})]
            if not any(uses(modules[m]) for m in covered):
                stale.append(entry)
    assert not stale, f"remove from the allowed lists (no use left): {stale}"
