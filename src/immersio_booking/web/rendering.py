"""Jinja2 pages (autoescaped), in the visitor's language, sent with a strict CSP.

Routes of the page router answer HTML errors: a ``DomainError`` raised while building a page
becomes the error page with its status, never the API's JSON envelope.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import format_currency
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from immersio_booking.kit import when
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.web import i18n, security

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@lru_cache(maxsize=64)
def _fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    """``/static/<name>?v=<hash>``: a changed file gets a new address."""
    return f"/static/{name}?v={_fingerprint(name)}"


def vendored_url(name: str) -> str | None:
    """``static_url`` of a file ``make install`` fetches (``static/vendor/``), or None when it
    was not fetched (no npm): the pages work without it (progressive enhancement)."""
    return static_url(name) if (STATIC / name).is_file() else None


@lru_cache(maxsize=len(i18n.LANGUAGES))
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["static_url"] = static_url
    env.globals["vendored_url"] = vendored_url
    env.filters["when"] = lambda moment: format_datetime(
        moment, "EEEE d MMMM y, HH:mm", tzinfo=moment.tzinfo, locale=language
    )
    env.filters["hour"] = lambda moment: format_datetime(
        moment, "HH:mm", tzinfo=moment.tzinfo, locale=language
    )
    env.globals["session_start"] = lambda moment, tag: (
        f"{format_date(moment.date(), 'full', locale=when.babel_locale(tag))}, "
        f"{when.time_of(moment, tag)}"
    )
    env.filters["month_name"] = lambda day: format_date(day, "LLLL y", locale=language)
    env.filters["long_day"] = lambda day: format_date(day, "EEEE d MMMM", locale=language)
    names = get_day_names("abbreviated", locale=language)
    env.globals["weekday_names"] = [names[i] for i in range(7)]
    env.filters["money"] = lambda amount, currency: format_currency(
        amount / 100, currency.upper(), locale=language
    )
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    framable: bool = False,
    framed_by_self: bool = False,
    frames_self: bool = False,
    stripe_origin: str | None = None,
    with_csrf: bool = False,
    robots: str | None = None,
) -> HTMLResponse:
    settings = app_settings(request)
    language = context.get("lang") or i18n.choose_language(request)
    other = next(code for code in i18n.LANGUAGES if code != language)
    nonce = security.new_nonce()
    cookie_value = security.csrf_cookie_value(request) if with_csrf else None
    page = {
        "lang": language,
        "nonce": nonce,
        "base_url": settings.public_base_url,
        "other_language": other,
        "other_language_url": i18n.in_language(request, other, _refused(context)),
        "csrf_token": security.csrf_token(settings.resolved_secret_key(), cookie_value)
        if cookie_value
        else None,
        **context,
    }
    html = environment(language).get_template(template).render(page)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = security.content_security_policy(
        nonce,
        framable=framable,
        stripe_origin=stripe_origin,
        framed_by_self=framed_by_self,
        frames_self=frames_self,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if "token" in request.query_params:
        # The address is a secret (a one-time link, a manage or waitlist link): kept by no
        # cache, and sent as Referer to no one, not even our own assets' logs.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Content-Language"] = language
    if robots:
        response.headers["X-Robots-Tag"] = robots
    if cookie_value:
        security.set_csrf_cookie(
            response, cookie_value, settings.public_base_url.startswith("https://")
        )
    return response


def _refused(context: dict[str, Any]) -> tuple[str, ...]:
    """Parameters the page did not accept: a booking page that refused a reschedule (its
    token did not verify) shows nothing of it, not even the uid in the language switch."""
    if "reschedule" in context and not context["reschedule"]:
        return ("reschedule", "token")
    return ()


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    page = render(
        request,
        "error.html",
        {"status": error.status_code, "reason": error.reason},
        status_code=error.status_code,
        robots="noindex",
    )
    page.headers.update(error.headers)  # Retry-After of a 429, for one
    return page


class PageRoute(APIRoute):
    """A route whose expected failures are shown as an HTML page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as error:
                return error_page(request, error)
            except RequestValidationError:  # an odd address (a 300-character zone, ...)
                return error_page(request, BadRequest("Invalid page parameters"))

        return page_handler
