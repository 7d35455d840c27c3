"""Settings from environment variables prefixed ``GTPPTPPO_``."""

from __future__ import annotations

import ipaddress
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

ENV_PREFIX = "GTPPTPPO_"
FILE_SUFFIX = "_FILE"


def async_url(url: str) -> str:
    """Return ``url`` with the async driver this app uses for its database.

    Plain ``sqlite:///path`` and ``postgresql://user@host/db`` are accepted; the app picks
    aiosqlite or asyncpg itself. A URL that already names a driver is kept as it is.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return f"sqlite+aiosqlite://{rest}"
    if scheme in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        return f"postgresql+asyncpg://{rest}"
    return url


class FileVariables(PydanticBaseSettingsSource):
    """``GTPPTPPO_<NAME>_FILE``: a setting read from the file it names (Docker and Compose
    secrets, ``/run/secrets/...``), its surrounding whitespace dropped. Setting both a
    variable and its ``_FILE`` variant is refused: which one wins would be a guess."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads every field at once

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        environ = {key.upper(): value for key, value in os.environ.items()}
        for name in self.settings_cls.model_fields:
            variable = f"{ENV_PREFIX}{name.upper()}"
            path = environ.get(variable + FILE_SUFFIX)
            if not path:
                continue
            if variable in environ:
                raise ValueError(f"set {variable} or {variable}{FILE_SUFFIX}, not both")
            try:
                values[name] = Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"{variable}{FILE_SUFFIX}: cannot read {path}: {exc}") from exc
        return values


# The kinds of record a retention period is set for (``retention_years``).
RecordKind = Literal["adult_case", "child_case"]
DEFAULT_RETENTION: dict[RecordKind, int] = {"adult_case": 10, "child_case": 20}


class Settings(BaseSettings):
    """Every setting of the service; see the README for what each one does."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, FileVariables(settings_cls), dotenv_settings)

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'gtpptppo.db'}",
        description="SQLAlchemy URL; default: a SQLite file in the working folder.",
    )
    database_pool_size: int = Field(
        default=20,
        ge=1,
        description=(
            "PostgreSQL connections each process keeps open; a request past them waits for one."
        ),
    )
    broker_url: str | None = Field(
        default=None,
        description="amqp://... or redis://... for external workers; unset: embedded worker.",
    )
    encryption_key: str | None = Field(
        default=None,
        description=(
            "Keys for personal fields, newest first: 'id:base64key[,id:base64key...]'. Unset "
            "with SQLite: a key file is created beside the database (0600)."
        ),
    )
    key_store_url: str | None = Field(
        default=None,
        description=(
            "Database of the cases' wrapped data keys, apart from the database backed up with "
            "the cases (docs/personal-data.md). Unset: PostgreSQL, the database's name "
            "suffixed '_keys' on the same server; SQLite, '<name>.keys.sqlite' beside it."
        ),
    )
    blind_index_key: str | None = Field(
        default=None,
        description=(
            "Key of the NIK's blind index and of request fingerprints: 32 bytes, base64. "
            "Unset: derived from the oldest encryption key. Changed: run `gtpptppo keys "
            "reindex`."
        ),
    )
    disclosure_threshold: int = Field(
        default=10,
        ge=1,
        description=(
            "Smallest published count for analysts and the public, after cell key "
            "perturbation; smaller ones (and zeros) are shown as suppressed."
        ),
    )
    disclosure_ptable: str | None = Field(
        default=None,
        description=(
            "The perturbation table: a shipped one by name (ptable_10_5_blur, the default; "
            "ptable_10_5_rule, the ONS rounding table) or the path of a CSV of "
            "pcv,ckey,pvalue (optionally gzipped)."
        ),
    )
    public_rate_limit: str = Field(
        default="300/minute",
        description="Requests per client address to the public site (a limits string); "
        "empty: no limit. Counted in GTPPTPPO_RATE_LIMIT_STORAGE.",
    )
    public_cache_seconds: float = Field(
        default=10,
        ge=0,
        description="How long an API process serves a public report page or PDF it has read "
        "without asking the database again (pages are cached publicly for 5 minutes anyway); "
        "0: ask every time.",
    )
    trusted_proxy_header: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]+$",
        description="Behind a reverse proxy: the header it appends the client's address to "
        "(X-Forwarded-For); its last entry is taken as the client. Unset: the peer address.",
    )
    public_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description="The public site's base URL (https://host[/prefix]) for absolute links in "
        "feeds; unset: links are relative. Links never come from the request's Host header.",
    )
    export_k: int = Field(
        default=11,
        ge=2,
        description="k of the analysts' row-level export: every combination of its "
        "quasi-identifiers is shared by at least k records.",
    )
    sql_echo: bool = False
    broker_namespace: str = Field(
        default="gtpptppo",
        pattern=r"^[a-zA-Z_][a-zA-Z0-9_-]*$",
        description="Prefix of the broker's queue names (RabbitMQ) and keys (Redis).",
    )
    job_lease_seconds: float = Field(
        default=300,
        gt=0,
        description=(
            "How long a worker owns a job it claimed without renewing it; past it the job is "
            "taken as lost and re-sent. On PostgreSQL a running job's lease is renewed every "
            "third of it."
        ),
    )
    job_time_limit_seconds: float = Field(
        default=3600,
        gt=0,
        description=(
            "The longest one run of a job may take; past it the run is stopped, its work "
            "rolled back, and the job retried."
        ),
    )
    job_resend_after_seconds: float = Field(
        default=30,
        ge=0,
        description="A job still pending this long after its message was sent is sent again.",
    )
    job_reconcile_seconds: float = Field(
        default=5, gt=0, description="How often each worker looks for jobs to re-send."
    )
    job_min_backoff_ms: int = Field(
        default=1000, ge=1, description="First delay before a failed job is retried (doubles)."
    )
    worker_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description=(
            "How much lower the worker runs in the machine's scheduling than the API (Unix "
            "nice): `gtpptppo worker` processes, and the embedded worker's threads, so that "
            "the operating system serves reads first. 0: the same."
        ),
    )
    worker_threads: int = Field(
        default=4, ge=1, description="Worker threads (embedded worker; `gtpptppo worker`)."
    )
    extra_actor_modules: str = Field(
        default="",
        description="Comma-separated modules that register job handlers, besides <domain>.tasks.",
    )

    max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=1,
        description=(
            "Largest request body, counted as it arrives (Content-Length or chunked); past it: 413."
        ),
    )
    batch_inline_items: int = Field(
        default=1000,
        ge=1,
        description=(
            "Largest batch of cases:batch checked and stored in the request; a larger one "
            "(up to 10,000 items) is answered 202 with an import the worker stores."
        ),
    )
    import_max_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=1,
        description=(
            "Largest file an import takes (it is also a request body: GTPPTPPO_MAX_BODY_BYTES "
            "caps it first); past it: 413."
        ),
    )
    batch_concurrency: int = Field(
        default=1,
        ge=1,
        description=(
            "Batch pushes processed at once by one API process; the others wait their turn "
            "holding no database connection, so reads keep their latency during a backlog upload."
        ),
    )
    batch_queue: int = Field(
        default=200,
        ge=0,
        description="Batch pushes that may wait for a turn in one API process; past it: 503.",
    )
    lean_reads: bool = Field(
        default=True,
        description=(
            "Answer the most frequent reads (the case list, a case without personal fields, "
            "the victim statistics) beside FastAPI, byte for byte as it would, at a fraction "
            "of the CPU "
            "(PostgreSQL only); false: every request goes through FastAPI."
        ),
    )
    token_cache_seconds: float = Field(
        default=5,
        ge=0,
        description=(
            "How long an API process keeps a valid token it has looked up; a revoked token is "
            "refused by every API process at the latest this long after the revocation; "
            "0: look every request's token up."
        ),
    )
    rate_limit: str = Field(
        default="1200/minute",
        description=(
            "Requests per token, as a `limits` string ('1200/minute', '20/second;1000/hour'); "
            "empty: no limit. Past it: 429 with Retry-After."
        ),
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description=(
            "Where the rate-limit counters live: memory:// (one process) or redis://host:port/db "
            "(shared by every API process)."
        ),
    )

    rate_limit_when_down: Literal["serve", "refuse"] = Field(
        default="serve",
        description=(
            "A request while the rate-limit storage cannot be reached: `serve` (unlimited "
            "meanwhile; a warning is logged) or `refuse` (503 problem+json with Retry-After)."
        ),
    )

    annual_report_due: str = Field(
        default="03-31",
        description=(
            "The day (MM-DD) of the following year by which a task force's annual report is "
            "due to its daily chair; until then the compliance rule says `due`, after it "
            "`missed` (Permen PPPA 10/2012 sets no date)."
        ),
    )

    log_format: Literal["console", "json"] = Field(
        default="console",
        description="Log lines for people (`console`, the default) or JSON lines (`json`).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The least severe level logged."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that GET /metrics asks for (compared in constant time).",
    )
    metrics_public: bool = Field(
        default=False,
        description="Serve GET /metrics without a token (a port only the scraper reaches).",
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="`gtpptppo worker`: the port of Dramatiq's Prometheus exposition server "
        "(every worker process of the command together); unset: no worker metrics.",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="The address that exposition server listens on.",
    )
    readiness_timeout_seconds: float = Field(
        default=3,
        gt=0,
        description="How long GET /readyz waits for the database and for the broker.",
    )
    retention_years: dict[RecordKind, int] = Field(
        default_factory=lambda: dict(DEFAULT_RETENTION),
        description="How many years after its closure a case's personal data is kept, by "
        "record kind (`adult_case`, `child_case`: the victim's age group), as JSON; the "
        "retention job erases what outlived it (docs/personal-data.md). A kind left out is "
        "kept without limit.",
    )
    dpo_name: str | None = Field(
        default=None,
        max_length=200,
        description="The data protection officer (Pejabat Pelindungan Data Pribadi, UU "
        "27/2022 art. 53): shown on the public site and in the API's metadata.",
    )
    dpo_email: str | None = Field(default=None, max_length=200, description="The DPO's e-mail.")
    dpo_phone: str | None = Field(default=None, max_length=50, description="The DPO's phone.")

    @property
    def dpo(self) -> dict[str, str] | None:
        """The data protection officer's contact, as set (none without a name)."""
        if not self.dpo_name:
            return None
        found = {"name": self.dpo_name, "email": self.dpo_email, "phone": self.dpo_phone}
        return {key: value for key, value in found.items() if value}

    oidc_issuer: str | None = Field(
        default=None,
        pattern=r"^https?://[^?#\s]+$",
        description="An OpenID Provider whose JWT access tokens are accepted beside the "
        "service's own tokens (its issuer URL, as in its discovery document); unset: none.",
    )
    oidc_audience: str | None = Field(
        default=None,
        description="The audience (`aud`) the provider's access tokens must name: this API's "
        "resource identifier at the provider. Required with GTPPTPPO_OIDC_ISSUER.",
    )
    oidc_mapping_claims: str = Field(
        default="groups",
        pattern=r"^\s*[A-Za-z0-9_.:-]+(\s*,\s*[A-Za-z0-9_.:-]+)*\s*$",
        description="Claims of the access token whose values are matched against the "
        "identity mappings (comma-separated; a claim holds a string or a list of strings).",
    )
    oidc_name_claim: str = Field(
        default="name",
        description="The claim holding the person's name, for the audit trail "
        "(then `preferred_username`, then the subject).",
    )
    oidc_algorithms: str = Field(
        default="RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA",
        description="Signature algorithms accepted (comma-separated); asymmetric only: "
        "`none` and HMAC (HS*) are refused whatever is listed.",
    )
    oidc_leeway_seconds: int = Field(
        default=30, ge=0, le=300, description="Clock skew allowed on `exp` and `nbf`."
    )
    oidc_cache_seconds: float = Field(
        default=3600,
        gt=0,
        description="How long the provider's discovery document and keys (JWKS) are kept "
        "before they are fetched again.",
    )
    oidc_refresh_seconds: float = Field(
        default=60,
        ge=0,
        description="A token signed with a key id not in the cached JWKS fetches it again "
        "(the provider rotated its keys), at most once per this many seconds.",
    )

    webhook_allow_http: bool = Field(
        default=False,
        description="Let webhook URLs be http:// (only https:// otherwise).",
    )
    webhook_allowed_networks: str = Field(
        default="",
        description="Networks (comma-separated CIDRs) a webhook URL may reach although they "
        "are not public: loopback, private, link-local, cloud metadata addresses are refused "
        "otherwise (127.0.0.0/8 for a receiver on the same machine).",
    )
    webhook_timeout_seconds: float = Field(
        default=10, gt=0, le=60, description="How long one delivery attempt waits for an answer."
    )
    webhook_retry_base_seconds: float = Field(
        default=30,
        gt=0,
        description="Delay before a failed delivery's second attempt; it doubles at each "
        "further attempt, up to an hour between two.",
    )
    webhook_retry_hours: float = Field(
        default=24,
        gt=0,
        description="A delivery is retried for this long; a subscription whose deliveries "
        "all failed for this long is disabled until its owner enables it again.",
    )
    webhook_secret_overlap_hours: float = Field(
        default=24,
        ge=0,
        description="After a secret is rotated, deliveries are signed with the old one too "
        "for this long, so the receiver can switch without losing a message.",
    )

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _parse_networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError on a bad one
        return value

    @model_validator(mode="after")
    def _oidc_needs_audience(self) -> Settings:
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError("GTPPTPPO_OIDC_AUDIENCE is required with GTPPTPPO_OIDC_ISSUER")
        return self

    @property
    def metrics_enabled(self) -> bool:
        return self.metrics_public or self.metrics_token is not None

    @field_validator("annual_report_due")
    @classmethod
    def _parse_annual_report_due(cls, value: str) -> str:
        month, sep, day = value.strip().partition("-")
        try:
            date(2025, int(month), int(day))  # a day of every year, so 29 February is not
        except ValueError:
            sep = ""
        if not sep or len(month) != 2 or len(day) != 2:
            raise ValueError(f"not a day of every year as MM-DD (03-31): {value!r}")
        return value.strip()

    def annual_report_due_on(self, year: int) -> date:
        """The day the annual report for ``year`` is due: ``annual_report_due`` of the next."""
        month, day = self.annual_report_due.split("-")
        return date(year + 1, int(month), int(day))

    @field_validator("retention_years")
    @classmethod
    def _positive_years(cls, value: dict[RecordKind, int]) -> dict[RecordKind, int]:
        for kind, years in value.items():
            if not 1 <= years <= 200:
                raise ValueError(f"{kind}: years must be 1 to 200, not {years}")
        return value

    @field_validator("rate_limit")
    @classmethod
    def _parse_rate_limit(cls, value: str) -> str:
        if value.strip():
            parse_many(value)  # ValueError on a string `limits` cannot read
        return value

    @property
    def async_database_url(self) -> str:
        return async_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL (None for memory or other databases)."""
        return sqlite_file(self.database_url)

    @property
    def key_store(self) -> str:
        """The key store's URL: ``key_store_url``, else derived from the database's."""
        return self.key_store_url or key_store_url_for(self.database_url)


def key_store_url_for(database_url: str) -> str:
    """The key store beside a database: ``<name>.keys.sqlite`` next to a SQLite file (an
    in-memory database has an in-memory key store), ``<database>_keys`` on the same
    PostgreSQL server."""
    if async_url(database_url).startswith("sqlite"):
        database = sqlite_file(database_url)
        if database is None:
            return "sqlite://"
        name = database.name.removesuffix(database.suffix) if database.suffix else database.name
        return f"sqlite:///{database.with_name(name + '.keys.sqlite')}"
    url = make_url(database_url)
    return url.set(database=f"{url.database or 'gtpptppo'}_keys").render_as_string(
        hide_password=False
    )


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for memory or other databases)."""
    url = async_url(url)
    if not url.startswith("sqlite"):
        return None
    path = url.split("://", 1)[1].split("?", 1)[0]
    path = path[1:] if path.startswith("/") else path
    if not path or path == ":memory:":
        return None
    return Path(path)


@lru_cache
def get_settings() -> Settings:
    return Settings()
