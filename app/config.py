"""Configuration: embedded defaults for one machine, overridden by the environment.

Every setting the app reads has its default here, and only here: code reads
``config["NAME"]``, never ``config.get("NAME", default)`` (``tests/core/test_config.py``
checks both). Every setting can be overridden with a ``HEADWAY_`` prefixed variable (values are
parsed as JSON where they can be, so ``HEADWAY_SESSION_COOKIE_SECURE=false`` works);
the conventional ``DATABASE_URL`` and ``REDIS_URL`` are read as they are.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers

# Keys that must never protect a real deployment.
WEAK_SECRET_KEYS = {"", "dev", "development", "secret", "changeme", "change-me", "test"}

LANGUAGES = {"en": "English", "fr": "Français", "sw": "Kiswahili"}

# Read from the environment without the HEADWAY_ prefix too, as the S3 tools name them
# (HEADWAY_S3_… wins).
S3_SETTINGS = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PUBLIC_ENDPOINT_URL",
    "S3_PREFIX",
)

# Folders and files whose default is in the instance folder (load_config fills them in).
INSTANCE_DEFAULTS = {
    "MEDIA_ROOT": "media",
    "MEDIA_WORK_DIR": "media-work",
    "JOBS_QUEUE_PATH": "media-queue.db",
    "STUDIO_UPLOAD_DIR": "studio-uploads",
}

# Settings that were renamed or replaced, and what to set instead.
RETIRED_SETTINGS = {
    "BASE_URL": "set HEADWAY_PUBLIC_URL instead.",
    "SIGN_IN_LIMIT_PER_ACCOUNT": (
        "it counted every attempt, so strangers could lock a leader out; set "
        "HEADWAY_SIGN_IN_FAILURE_LIMIT and HEADWAY_SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT instead "
        "(app/accounts/limits.py)."
    ),
}


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Database connections each process keeps (and as many more at busy moments), and how
    # long a request waits for one before the person is told Headway is busy (503 with
    # Retry-After) instead of waiting on. On PostgreSQL, processes × 2 × pool size must stay
    # under the server's max_connections (100 by default).
    DATABASE_POOL_SIZE = 10
    DATABASE_POOL_TIMEOUT = 10
    SQLALCHEMY_RECORD_QUERIES = False

    # Flask's own default, said here because app/sessions.py reads it: a signed-in person's
    # session is renewed (at most once a day) as they use Headway.
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(days=60)

    # No page takes more than a framework file or a form; larger requests end with 413 before
    # anything reads them. An area that takes bigger uploads raises request.max_content_length.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    WTF_CSRF_ENABLED = True  # Flask-WTF's default; the studio's upload endpoints read it too
    WTF_CSRF_TIME_LIMIT = None  # a form filled in over a slow afternoon must still post
    WTF_CSRF_SSL_STRICT = False  # the Referer is often stripped by data-saving proxies

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = LANGUAGES

    # Reverse proxies in front of the app that set X-Forwarded-For and -Proto; each one's
    # address is replaced by the one it says it forwarded for. 0: no proxy, the headers are
    # ignored (anyone can send them).
    TRUSTED_PROXIES = 0

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    # Redis (the shared counts) stopped: count in this process's memory until it is back,
    # rather than answer 500 or 503. Refusing would lock every leader out for the whole
    # outage, which app/accounts/limits.py exists to prevent; counted per process, guessing
    # stays limited (at most processes × the limits) meanwhile. The limiter writes one log
    # line as it falls back and one as Redis is back. An error in the moment Redis goes (a
    # failure counted after the answer is made) is logged and let through, not a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # The sign-in and code forms (app/accounts/limits.py says why these three): every attempt
    # from one address; wrong passwords or codes for one account from one address (or one
    # phone it signed in on before); and for one account from all the browsers it never
    # signed in on, beyond which only its own phones may try.
    SIGN_IN_LIMIT_PER_ADDRESS = "20/minute;100/hour"
    SIGN_IN_FAILURE_LIMIT = "5/minute;30/hour"
    SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT = "50/hour;200/day"
    # Posts one person may store in the groups (threads and replies), and photos among them
    # (app/groups/limits.py): far above anyone writing by hand, so a script or a stuck key
    # cannot fill a group or the disk.
    GROUPS_POST_LIMIT = "20/minute;200/hour;500/day"
    GROUPS_PHOTO_LIMIT = "10/minute;60/hour;150/day"

    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Pages are compressed on each request; static files once, at 11 (app/assets.py). On
    # the Learn, lesson, coaching and thread pages (2–8 KB of HTML) level 5 gives the bytes
    # of 6 (0.04–0.12 ms a page, under 1 % of a request); 4 saves 0.01–0.03 ms and sends
    # 6–7 % more; 11 saves 0.1–0.35 KB more for 3–8 ms, as much as the rest of the request
    # (`benchmarks/requests.py --br-levels`).
    COMPRESS_BR_LEVEL = 5
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 256
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/vtt",
    ]

    # Where people reach this Headway, as its links in invitations must say: the scheme, host,
    # port and any path prefix, such as https://learn.example.org. Never read from a request,
    # whose Host header anyone can write. Unset: http://127.0.0.1:$PORT, for one machine.
    PUBLIC_URL = None

    # The country whose numbers people may write as they dial them there ("0712 345 678"),
    # as an ISO code such as KE, RW or IN. Unset, every number needs its country code: a
    # wrong guess would turn a number into someone else's. `make run` sets KE for the demo.
    DEFAULT_REGION = None

    # How passwords are hashed (werkzeug's method string). scrypt costs some 50-100 ms a hash,
    # which is the point; the test suite makes hundreds of accounts and sets a cheap method
    # (tests/conftest.py), which only TESTING may do. A hash records its own method, so
    # checking a password never depends on this setting.
    PASSWORD_HASH_METHOD = "scrypt"

    # Media (app/media): where sources and renditions are kept (unless S3_BUCKET is set), the
    # transcode queue and its workers, and what an upload may be. The three paths default to
    # the instance folder (INSTANCE_DEFAULTS).
    MEDIA_ROOT = None
    MEDIA_WORK_DIR = None
    JOBS_QUEUE_PATH = None
    # Processes that share a Redis and this name share one queue.
    JOBS_QUEUE_NAME = "headway-media"
    JOBS_WORKERS = 1
    MEDIA_MAX_ATTEMPTS = 3
    MEDIA_STALE_AFTER_S = 90
    MEDIA_SWEEP_INTERVAL_S = 30
    MEDIA_RETRY_BACKOFF_S = 30
    # A job that found the disk full tries again after this long, uncounted, until space is
    # freed: the upload is not at fault.
    MEDIA_DISK_FULL_RETRY_S = 300
    MEDIA_URL_EXPIRES_S = 6 * 3600
    MEDIA_URL_BUCKET_S = 3600
    MEDIA_MAX_MINUTES = 30
    MEDIA_MAX_BYTES = 4 * 1024**3
    # A form's key (app/form_keys.py) is kept this long: a form older is drawn again.
    FORM_KEYS_KEPT_DAYS = 30
    # This process runs media workers too (wsgi.py): `make run` sets it.
    INPROCESS_WORKER = False
    # Each serving process writes the data it counted it sent people this often (seconds;
    # app/accounts/data_use.py): what a process killed outright had not written is lost.
    DATA_USE_FLUSH_S = 30
    # S3-compatible storage for media (S3_SETTINGS); no bucket: the local MEDIA_ROOT.
    S3_BUCKET = None
    S3_ENDPOINT_URL = None
    S3_REGION = None
    S3_ACCESS_KEY_ID = None
    S3_SECRET_ACCESS_KEY = None
    S3_PUBLIC_ENDPOINT_URL = None
    S3_PREFIX = None
    # Where else the player may fetch media from (a CDN's origin), for the page's CSP.
    CSP_MEDIA_ORIGINS = []

    # Studio uploads (app/studio/services/uploads.py): resumable (tus) uploads' largest size
    # (None: MEDIA_MAX_BYTES), how many one author may have under way, how long an
    # unfinished one is kept, how long one PATCH holds its lease, and where they are written
    # (default: the instance folder).
    STUDIO_UPLOAD_MAX_BYTES = None
    STUDIO_UPLOADS_IN_FLIGHT = 3
    STUDIO_UPLOAD_EXPIRES_S = 24 * 3600
    STUDIO_UPLOAD_LEASE_S = 120
    STUDIO_UPLOAD_DIR = None
    # The size of each piece the studio's page sends (app/static/js/studio.js).
    STUDIO_TUS_CHUNK_BYTES = 5 * 1024 * 1024
    # Without JavaScript a video goes up as one plain form post, so it is limited to this;
    # larger files need the resumable upload (JavaScript on).
    STUDIO_FORM_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
    # What each author's video sources may take on disk (app/studio/services/storage_use.py),
    # and how long a failed upload's source is kept for a retry before it is removed.
    STUDIO_AUTHOR_QUOTA_BYTES = 20 * 1000**3
    # A practice's phone video (app/practices/services/media.py): by the resumable upload
    # in pieces of PRACTICES_TUS_CHUNK_BYTES (a piece lost on 2G costs little to send
    # again), or without JavaScript as one plain form post; up to this size, and
    # PRACTICES_VIDEO_MAX_SECONDS long (checked by the transcode job). Unfinished uploads
    # expire and hold their lease as the studio's do (STUDIO_UPLOAD_EXPIRES_S, _LEASE_S).
    PRACTICES_VIDEO_MAX_BYTES = 150 * 1024 * 1024
    PRACTICES_VIDEO_MAX_SECONDS = 180
    PRACTICES_TUS_CHUNK_BYTES = 1024 * 1024
    STUDIO_FAILED_SOURCE_RETENTION_S = 14 * 24 * 3600

    # The framework leaders assess themselves against, by its code; if it is not imported,
    # the first one that is (app/frameworks/services.py).
    FRAMEWORK = "SLC"

    # How often the coaching reminders are swept for what is due (app/coaching/tasks.py).
    COACHING_REMIND_EVERY_MINUTES = 15

    # The daily review (app/review/): questions a day unless the leader chooses 3-10 on Me,
    # the hour of their day the reminder comes (None: off unless they choose one), how
    # old an answer made offline may be, and how many days ahead the phone keeps.
    REVIEW_PER_DAY = 5
    REVIEW_REMIND_HOUR = 18
    REVIEW_ANSWER_MAX_AGE_DAYS = 7
    REVIEW_OFFLINE_DAYS = 3

    # The groups' daily digest by e-mail (app/groups/services/digest.py): no host, no digest.
    # No sender: headway@ the host of PUBLIC_URL.
    SMTP_HOST = None
    SMTP_PORT = 25
    SMTP_USERNAME = None
    SMTP_PASSWORD = None
    SMTP_STARTTLS = False
    SMTP_FROM = None

    # The key of leaders' pseudonyms in research exports (app/programmes/services/records.py);
    # unset, SECRET_KEY. Set it to keep pseudonyms stable across a change of SECRET_KEY.
    PSEUDONYM_SECRET = None

    # Programme reports are served from figures the job queue keeps
    # (app/programmes/services/aggregates.py): figures older than this are worked out again,
    # by the sweep every five minutes or as soon as someone views them; an admin's change to
    # cohorts, members or courses has them worked out again at once. Leaders' own writes
    # (lessons, posts, check-ins) cost them nothing: they show in the next figures.
    REPORTS_REFRESH_AFTER_S = 600

    INVITATION_LIFETIME = timedelta(days=14)
    RESET_CODE_LIFETIME = timedelta(hours=24)

    LOG_LEVEL = "INFO"

    # /readyz reports the disk "low" when less than this is free where this process writes
    # (the instance folder with SQLite and its queue, local media, the transcode work
    # folder): room for a few transcodes of the longest lesson. A full disk fails transcodes
    # and the SQLite queue long before it stops the web pages.
    LOW_DISK_BYTES = 2 * 1024**3
    # /readyz keeps its answer this long in each process (app/ops/checks.py).
    READYZ_CACHE_S = 2
    # Who may read /metrics (as a bearer token); unset, it answers 404.
    METRICS_TOKEN = None
    # SQLite's PRAGMA synchronous in WAL mode: NORMAL syncs the log at checkpoints, not at
    # each commit (never corrupts; a power cut may lose the last moments' commits, a
    # crashed process loses none), and a commit no longer holds the whole gevent process
    # for a disk flush (3–6 ms each here). FULL flushes every commit.
    SQLITE_SYNCHRONOUS = "NORMAL"


def load_config(app, overrides: dict | None) -> None:
    """Fill ``app.config`` from defaults, the environment, then explicit overrides."""
    app.config.from_object(Config)
    instance = Path(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'headway.db'}"
    )
    app.config["REDIS_URL"] = os.environ.get("REDIS_URL") or None
    for name in S3_SETTINGS:
        app.config[name] = os.environ.get(name)
    app.config.from_prefixed_env("HEADWAY")
    if overrides:
        app.config.update(overrides)
    for name, path in INSTANCE_DEFAULTS.items():
        if app.config[name] is None:
            app.config[name] = str(instance / path)
    if app.config["STUDIO_UPLOAD_MAX_BYTES"] is None:
        app.config["STUDIO_UPLOAD_MAX_BYTES"] = int(app.config["MEDIA_MAX_BYTES"])
    # One process keeps its counts in memory; several share them through Redis.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    refuse_retired_settings(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A SQLite database is a file this process opens: no connection to drop, so no
        # "SELECT 1" before each request's first statement.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_pre_ping": False,
        }
    if not _in_memory(app.config["SQLALCHEMY_DATABASE_URI"]):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_size": app.config["DATABASE_POOL_SIZE"],
            "max_overflow": app.config["DATABASE_POOL_SIZE"],
            "pool_timeout": app.config["DATABASE_POOL_TIMEOUT"],
        }
    app.config["SECRET_KEY"] = secret_key(app)
    refuse_weak_password_hashing(app.config)
    app.config["DEFAULT_REGION"] = default_region(app.config["DEFAULT_REGION"])
    app.config["SQLITE_SYNCHRONOUS"] = sqlite_synchronous(app.config["SQLITE_SYNCHRONOUS"])
    app.config["PUBLIC_URL"] = public_url(app.config)


def _in_memory(url: str) -> bool:
    """An in-memory SQLite database has one connection, not a pool."""
    return url in ("sqlite://", "sqlite:///") or ":memory:" in url


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def refuse_retired_settings(config) -> None:
    """A setting that no longer exists would otherwise be ignored without a word."""
    for name, advice in RETIRED_SETTINGS.items():
        if config.get(name):
            raise RuntimeError(f"HEADWAY_{name} is gone: {advice}")


def refuse_weak_password_hashing(config) -> None:
    """A cheap hash is for the test suite's throwaway accounts, never for people's."""
    method = config["PASSWORD_HASH_METHOD"]
    if method != Config.PASSWORD_HASH_METHOD and not config.get("TESTING"):
        raise RuntimeError(
            f"HEADWAY_PASSWORD_HASH_METHOD={method!r} is for tests only: leave it unset "
            f"({Config.PASSWORD_HASH_METHOD})."
        )


def public_url(config) -> str:
    """The configured public URL without a trailing slash; refused if it is not one."""
    url = config["PUBLIC_URL"] or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"HEADWAY_PUBLIC_URL={url!r} is not where people reach Headway: give the scheme and "
            "host, and any path prefix, such as https://learn.example.org."
        )
    return url.rstrip("/")


def sqlite_synchronous(value: str) -> str:
    """NORMAL or FULL (``Config.SQLITE_SYNCHRONOUS`` says which to choose)."""
    mode = str(value).strip().upper()
    if mode not in ("NORMAL", "FULL"):
        raise RuntimeError(
            f"HEADWAY_SQLITE_SYNCHRONOUS={value!r}: use NORMAL (the default) or FULL, which "
            "flushes every commit to disk at once."
        )
    return mode


def default_region(value: str | None) -> str | None:
    """The programme's country as phonenumbers knows it, or None; a typo stops the start
    rather than reading every local number as another country's."""
    region = (value or "").strip().upper() or None
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        raise RuntimeError(
            f"HEADWAY_DEFAULT_REGION={value!r} is not a country code phone numbers know: "
            "use two letters such as KE, RW or IN, or leave it unset."
        )
    return region


def secret_key(app) -> str:
    """The configured key, else the instance's own, generated on the first run of the
    embedded default. A scaled-out deployment must share one key, so there we refuse to
    guess, and we refuse a weak key anywhere but in debug and tests."""
    key = app.config.get("SECRET_KEY") or os.environ.get("SECRET_KEY") or ""
    relaxed = app.debug or app.config.get("TESTING")
    key_file = Path(app.instance_path) / "secret_key"
    if not key and key_file.exists():
        key = key_file.read_text().strip()
    embedded = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + app.instance_path)
    if not key and embedded:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key + "\n")
        key_file.chmod(0o600)
    if not relaxed and (key.lower() in WEAK_SECRET_KEYS or len(key) < 24):
        raise RuntimeError(
            "Refusing to start without a strong secret key: set HEADWAY_SECRET_KEY to a long "
            "random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), the same on "
            "every web and worker process."
        )
    return key
