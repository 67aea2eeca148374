"""LDN Forum settings.

One file for every environment: differences come from environment variables.
The defaults are safe for production when DJANGO_DEBUG is off and convenient
for a laptop when it is on.
"""

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    # The database tasks backend's tables; used when DJANGO_TASKS_BACKEND is
    # "database" (production), harmless otherwise.
    "django_tasks_db",
    "accounts",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After static files, before all else: see articles/page_cache.py.
    "articles.middleware.PageCacheReadAheadMiddleware",
    # Early: static files need no database; everything after may.
    "ldnforum.availability.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: it reads allauth's record of this session's logins.
    "accounts.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "ldnforum.urls"
WSGI_APPLICATION = "ldnforum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comments.context_processors.moderation",
            ],
        },
    },
    # Only for templates/jinja2/: the workbench's items, which Django's
    # engine renders too slowly at fifty a page. Autoescaping stays on.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "ldnforum.jinja.environment",
            "autoescape": True,
        },
    },
]

# Without DATABASE_URL the forum runs on SQLite in var/, which is what
# `make run` uses. Production and CI point DATABASE_URL at PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets ldnforum/statements.py prepare its queries on the server (Django's
    # own cursors prepare nothing either way). Turn it off behind a
    # connection pooler in transaction mode, which can't keep them.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# comment_decided_idx includes two columns for PostgreSQL's index-only
# scans; SQLite, which make run uses, builds the index without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, sharing one client (ldnforum/cache.py).
            "BACKEND": "ldnforum.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Keeps apart sites (or test runs) that share one Redis database.
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous readers get article pages from the cache, each copy keyed by the
# article's version (articles/page_cache.py), so any change shows at once.
# This bounds only what no version covers: the "3 minutes ago" of its
# times. 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("LDNFORUM_PAGE_CACHE_SECONDS", "60"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the login, and it must be verified before a
# member can post.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS_ENABLED = True  # documented for clarity; on by default
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# Behind our own proxies (production: a load balancer in front of gunicorn)
# the client's address is in X-Forwarded-For, this many entries from the
# end. allauth's rate limits and ours (ldnforum/ratelimits.py) key on it;
# left at 0 behind a proxy, every visitor would share the proxy's limits.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Never email an address that has no account here (allauth would answer a
# password reset for it): a deleted member's address gets nothing, ever.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LDN Forum] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with
# recovery codes, open to every member. No security keys (WebAuthn): their
# pages need allauth's own scripts, and the app covers what we need.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LDN Forum"
# Moderators and staff must have an authenticator app, and have used it in
# this session, before the moderation pages or the admin open. On whenever
# DEBUG is off; off in `make run`, so the demo moderator needs no app.
MFA_REQUIRED_FOR_MODERATORS = env_bool("DJANGO_MFA_REQUIRED", not DEBUG)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)

# Email. `make run` prints mail to the console (DJANGO_EMAIL_BACKEND=file
# writes it under var/mail instead); production sends through SMTP.
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_mail_backend = os.environ.get("DJANGO_EMAIL_BACKEND", "console" if DEBUG else "smtp")
_mail_backend = _MAIL_BACKENDS.get(_mail_backend, _mail_backend)
if _mail_backend == _MAIL_BACKENDS["smtp"]:
    _mail_options = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
        "timeout": 20,
    }
elif _mail_backend == _MAIL_BACKENDS["file"]:
    _mail_options = {"file_path": str(VAR_DIR / "mail")}
else:
    _mail_options = {}
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "LDN Forum <forum@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Slow work (email) is enqueued after the transaction commits. The immediate
# backend (the default, and `make run`'s) runs it right after the commit,
# outside the request's transaction; "database" stores tasks in the database
# for the django-tasks-db worker (`manage.py db_worker`), as production does.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = os.environ.get("DJANGO_TASKS_BACKEND", "immediate")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend)}}

# Links in emails are absolute: the address the site is reached at.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Strict Content-Security-Policy: every script, style and font is ours.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # data: images: Bootstrap's CSS draws its toggler, select and check icons
    # as data: SVGs, and allauth.mfa serves the TOTP QR code as one (an SVG
    # loaded as an image never runs scripts).
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "ldnforum.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer probes each app server over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload token only makes the site eligible for browsers' built-in
    # HSTS list; it takes effect when the domain's owner submits it there.
    # DJANGO_SECURE_HSTS_PRELOAD=0 leaves it out.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# Forum rules.
SITE_NAME = "LDN Forum"
COMMENTS_MAX_DEPTH = int(os.environ.get("LDNFORUM_COMMENTS_MAX_DEPTH", "5"))
if COMMENTS_MAX_DEPTH < 1:
    raise ImproperlyConfigured("LDNFORUM_COMMENTS_MAX_DEPTH must be 1 or more.")
COMMENTS_MAX_LENGTH = 5000
# Long threads are paged by conversation: this many top-level comments a
# page, each with all its replies.
COMMENTS_THREADS_PER_PAGE = int(os.environ.get("LDNFORUM_THREADS_PER_PAGE", "50"))
if COMMENTS_THREADS_PER_PAGE < 1:
    raise ImproperlyConfigured("LDNFORUM_THREADS_PER_PAGE must be 1 or more.")
MODERATION_QUEUE_PAGE_SIZE = 50
# A filtered list counts its matches up to this many (or to the page asked
# for, if further), then says "more than": counting 75,000 held comments
# took a filtered page a fifth of its time, for a figure nobody pages to.
MODERATION_QUEUE_COUNT_LIMIT = 10_000
# pre, post or closed: the mode a new article starts in.
COMMENTS_DEFAULT_MODERATION_MODE = os.environ.get(
    "LDNFORUM_DEFAULT_MODERATION_MODE", "pre"
)
# Trust: a member's comments are held until this many have been approved,
# and trust is lost for TRUST_REJECTION_DAYS after a rejection.
TRUST_AFTER_APPROVED = int(os.environ.get("LDNFORUM_TRUST_AFTER_APPROVED", "3"))
TRUST_REJECTION_DAYS = 90
# Rules applied to every new or edited comment.
RULES_MAX_LINKS = int(os.environ.get("LDNFORUM_RULES_MAX_LINKS", "2"))
RULES_DUPLICATE_HOURS = 24
RULES_BURST_COUNT = int(os.environ.get("LDNFORUM_RULES_BURST_COUNT", "5"))
RULES_BURST_MINUTES = int(os.environ.get("LDNFORUM_RULES_BURST_MINUTES", "10"))
# Outer limits against abuse, per member and per client address, counted in
# the cache (ldnforum/ratelimits.py explains the notation). Above a limit the
# request gets a 429 page and nothing is stored.
RATE_LIMITS = {
    "comment": os.environ.get("LDNFORUM_RATE_LIMIT_COMMENT", "10/10m/member,30/10m/ip"),
    "report": os.environ.get("LDNFORUM_RATE_LIMIT_REPORT", "10/h/member,30/h/ip"),
    "signup": os.environ.get("LDNFORUM_RATE_LIMIT_SIGNUP", "10/h/ip"),
}
# Reports from this many different members hide a comment pending review.
REPORTS_TO_HIDE = int(os.environ.get("LDNFORUM_REPORTS_TO_HIDE", "3"))
# Members may edit their comment for this long after posting.
COMMENTS_EDIT_MINUTES = int(os.environ.get("LDNFORUM_COMMENTS_EDIT_MINUTES", "15"))
# Email notifications: moderators hear of comments waiting longer than this
# (manage.py notify_stale_queue); a failing send is tried this many times,
# waiting NOTIFY_RETRY_SECONDS, then twice as long each time, when the tasks
# backend can defer work.
NOTIFY_STALE_QUEUE_HOURS = float(os.environ.get("LDNFORUM_STALE_QUEUE_HOURS", "12"))
NOTIFY_MAX_ATTEMPTS = 5
NOTIFY_RETRY_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}
