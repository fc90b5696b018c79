"""Settings. Every setting has a safe default for the embedded (development) mode.

Environment variables carry the prefix ``IMMERSIO_`` except ``DATABASE_URL``.
"""

from __future__ import annotations

import json
import os
import secrets
from email.utils import parseaddr
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IMMERSIO_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./.data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "IMMERSIO_DATABASE_URL")
    )
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # A read replica (streaming standby) for public slot reads (docs/deployment.md); unset: none.
    # After a failed read there, public reads go to the primary for this long before it is
    # tried again.
    read_replica_url: str | None = None
    read_replica_retry_seconds: float = Field(default=5.0, ge=0, le=300)
    secret_key: str | None = None
    encryption_keys: str | None = Field(
        default=None, description="Comma-separated Fernet keys; the first encrypts, all decrypt."
    )
    public_base_url: str = "http://127.0.0.1:8000"
    # Dashboard sign-in (docs/dashboard.md): a session ends after this long without a request,
    # and in any case this long after signing in.
    staff_session_idle_minutes: int = Field(default=120, ge=5)
    staff_session_max_hours: int = Field(default=24, ge=1)
    log_level: str = "INFO"
    log_json: bool | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "Immersio Booking <no-reply@immersio.local>"
    # Text messages (SMS, WhatsApp) of workflows: "log" writes them to the log (no provider yet).
    sms_provider: Literal["log"] = "log"
    stripe_api_base: str = "https://api.stripe.com"
    # Where the payment page loads Stripe.js from (tests: localstripe's /js.stripe.com/v3/).
    stripe_js_url: str = "https://js.stripe.com/v3/"
    # The platform's own Stripe account, which bills schools for their plan.
    platform_stripe_secret_key: str | None = None
    platform_stripe_webhook_secret: str | None = None
    allow_private_network_targets: bool = False
    # /metrics answers only with "Authorization: Bearer <this>" when set; in production without
    # it, /metrics is not served (404): request counts by route are not for the public.
    metrics_token: str | None = Field(default=None, min_length=16)
    # Outgoing requests (webhooks, Immersio): the ports public targets may be called on
    # (comma-separated), the most of an answer that is read, and the total time allowed.
    outgoing_allowed_ports: str = "80,443"
    outgoing_max_response_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    outgoing_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    # Request bodies (bytes): any request, and file uploads (whitelist CSV), which may be larger.
    max_request_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=2_000_000, ge=1024)
    payment_hold_minutes: int = Field(default=15, ge=1, le=24 * 60)
    lock_timeout_ms: int = Field(default=5000, ge=100, le=60000)
    # Bookings a process works on at once (kit/admission.py); the others wait their turn before
    # opening their transaction, so a session's lock is not held while the event loop serves
    # dozens of other bookings between its statements.
    bookings_in_flight_per_process: int = Field(default=4, ge=1, le=256)
    # Invite-only workshops: how long a personal invitation link books, and how many
    # invitations one request may send.
    invitation_validity_days: int = Field(default=14, ge=1, le=365)
    invitations_per_request: int = Field(default=100, ge=1, le=1000)
    # GET /v2/slots: the longest window one query may ask for (every caller), and the most
    # slots one answer may hold for a caller without a key of the workshop's school.
    slots_max_range_days: int = Field(default=93, ge=1, le=366)
    public_slots_max_count: int = Field(default=2500, ge=1, le=100_000)
    # Abuse controls on anonymous traffic (docs/security.md). Off: no rate limit and no cap on
    # open unpaid holds (load tests, test suites of other features). Staff keys are never limited.
    rate_limits_enabled: bool = True
    # Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs). Empty: the
    # client address is the socket peer, and a forwarded header is ignored.
    trusted_proxies: str = ""
    # Limits are "<count>/<second|minute|hour|day>", a sliding window shared by all processes.
    rate_limit_bookings_per_address: str = "20/hour"
    rate_limit_bookings_per_email: str = "10/hour"
    rate_limit_bookings_per_event_type: str = "600/hour"
    rate_limit_reservations_per_address: str = "60/hour"
    rate_limit_reservations_per_event_type: str = "1200/hour"
    rate_limit_slot_reads_per_address: str = "120/minute"
    rate_limit_booking_pages_per_address: str = "120/minute"
    rate_limit_verification_emails_per_email: str = "5/hour"
    rate_limit_verification_emails_per_address: str = "20/hour"
    # Emails staff send to a session's attendees from the dashboard (each attendee one email),
    # per staff member: a stolen session cannot turn the school into a spam relay.
    rate_limit_staff_messages_per_user: str = "10/hour"
    # Sign-in and password-reset links the dashboard's forms email (one budget for both): per
    # address asked for (past it the form answers as usual and sends nothing, known address or
    # not) and per client address (past it: 429).
    rate_limit_staff_links_per_email: str = "5/hour"
    rate_limit_staff_links_per_address: str = "20/hour"
    # Unpaid holds (bookings waiting for payment) one booker may have open at once.
    max_open_holds_per_email: int = Field(default=3, ge=1, le=1000)
    max_open_holds_per_address: int = Field(default=10, ge=1, le=10000)
    # Codes that verify a booker's email (workshops with requiresBookerEmailVerification).
    booker_code_minutes: int = Field(default=10, ge=1, le=24 * 60)
    booker_code_attempts: int = Field(default=5, ge=1, le=20)
    # A confirmation of a video session waits for its join link (a Zoom meeting is made by a
    # job moments after booking): it tries again every retry seconds, for up to wait seconds,
    # then goes without the link (saying it will come before the start). 0 waits not at all.
    meeting_link_wait_seconds: int = Field(default=120, ge=0, le=3600)
    meeting_link_retry_seconds: int = Field(default=10, ge=1, le=600)
    # Job worker processes (docs/architecture.md, "The worker"): one that cannot open its
    # database connections within start timeout seconds exits (psycopg's own wait is 30 s);
    # under a supervisor (`serve`, `worker --processes N`) a child that ran healthy run seconds
    # was healthy, and its next crash counts as the first in a row again.
    worker_start_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    worker_healthy_run_seconds: float = Field(default=60.0, gt=0, le=24 * 3600)
    # Video meetings of live sessions (docs/video.md). Jitsi: rooms on this server; with an app
    # id and secret (a self-hosted Jitsi with token auth), links carry signed room tokens.
    jitsi_base_url: str = "https://meet.jit.si"
    jitsi_app_id: str | None = None
    jitsi_app_secret: str | None = None
    # Zoom's REST API and its OAuth server (tests and `make run`: the Zoom simulator).
    zoom_api_base: str = "https://api.zoom.us"
    zoom_oauth_base: str = "https://zoom.us"
    # Teachers' own calendars (docs/calendars.md): Apple's CalDAV address; how long a booking
    # waits for the host's live busy times before it falls back to the cache; how long a
    # refresh or a connection check may take; how far ahead busy times are cached; how often
    # the periodic refresh re-reads a credential.
    apple_caldav_url: str = "https://caldav.icloud.com"
    calendar_live_check_seconds: float = Field(default=2.0, gt=0, le=30)
    calendar_fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    calendar_busy_horizon_days: int = Field(default=120, ge=1, le=400)
    calendar_refresh_minutes: int = Field(default=5, ge=1, le=24 * 60)
    # Google Calendar and Meet (docs/calendars.md): the OAuth client of the platform, the
    # consent page, the token endpoint's base and the Calendar API's base (tests: the fake).
    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_oauth_base: str = "https://oauth2.googleapis.com"
    google_api_base: str = "https://www.googleapis.com"
    # Sessions written to teachers' calendars (each call bounded by
    # calendar_fetch_timeout_seconds): how often (and how many times) a session's event is
    # looked at again while its join link is still being made (Zoom's is made by a job).
    calendar_link_wait_seconds: int = Field(default=30, ge=1, le=3600)
    calendar_link_wait_attempts: int = Field(default=10, ge=0, le=100)

    @field_validator("database_url", "read_replica_url")
    @classmethod
    def _normalise_database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        for prefix in ("postgres://", "postgresql://", "postgresql+asyncpg://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("mail_from")
    @classmethod
    def _one_sender(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError("must be one address, like 'Immersio <no-reply@example.com>'")
        return value

    @field_validator("outgoing_allowed_ports")
    @classmethod
    def _ports(cls, value: str) -> str:
        ports = [p.strip() for p in value.split(",") if p.strip()]
        if not ports or not all(p.isdigit() and 0 < int(p) < 65536 for p in ports):
            raise ValueError("must be comma-separated port numbers, e.g. 80,443")
        return ",".join(ports)

    @field_validator(
        "rate_limit_bookings_per_address",
        "rate_limit_bookings_per_email",
        "rate_limit_bookings_per_event_type",
        "rate_limit_reservations_per_address",
        "rate_limit_reservations_per_event_type",
        "rate_limit_slot_reads_per_address",
        "rate_limit_booking_pages_per_address",
        "rate_limit_verification_emails_per_email",
        "rate_limit_verification_emails_per_address",
        "rate_limit_staff_messages_per_user",
        "rate_limit_staff_links_per_email",
        "rate_limit_staff_links_per_address",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value.strip()

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        proxy_networks(value)
        return value

    @field_validator("public_base_url", "jitsi_base_url", "zoom_api_base", "zoom_oauth_base")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_needs_explicit_secrets(self) -> Settings:
        if self.environment == "production":
            missing = [
                name
                for name, value in (
                    ("IMMERSIO_SECRET_KEY", self.secret_key),
                    ("IMMERSIO_ENCRYPTION_KEYS", self.encryption_keys),
                    ("DATABASE_URL", self.database_url),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"production mode requires {', '.join(missing)}")
        return self

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def outgoing_ports(self) -> list[int]:
        return [int(p) for p in self.outgoing_allowed_ports.split(",")]

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment == "production"

    def resolved_secret_key(self) -> str:
        return self.secret_key or _generated_secrets(self.data_dir)["secret_key"]

    def resolved_encryption_keys(self) -> list[str]:
        raw = self.encryption_keys or _generated_secrets(self.data_dir)["encryption_key"]
        return [key.strip() for key in raw.split(",") if key.strip()]


RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(value: str) -> tuple[int, int]:
    """``"20/hour"`` → (20, 3600): at most 20 hits in any 3600 seconds."""
    count, _, unit = value.strip().partition("/")
    if not count.isdigit() or int(count) < 1 or unit not in RATE_UNITS:
        raise ValueError(f"{value!r} is not a rate like '20/hour' (units: {', '.join(RATE_UNITS)})")
    return int(count), RATE_UNITS[unit]


def proxy_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """The trusted proxies setting as networks (a bare address is a one-address network)."""
    return tuple(
        ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()
    )


def _generated_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets generated once into the data directory (development/embedded mode only)."""
    path = data_dir / "secrets.json"
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "secret_key": secrets.token_urlsafe(48),
        "encryption_key": Fernet.generate_key().decode(),
    }
    # Written to a private temporary file, then linked into place: link() fails when another
    # process got there first, and readers never see a half-written file.
    tmp = path.with_name(f".secrets.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return _generated_secrets(data_dir)
    finally:
        tmp.unlink()
    return values


@lru_cache
def get_settings() -> Settings:
    return Settings()
