"""Settings for every environment. Each value comes from an environment variable with a sane default;
`.env.example` lists them all. Test settings (test.py) only override what tests need."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core -----------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
DATA_DIR = env_path("DATA_DIR", BASE_DIR / "var")


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, else the file DJANGO_SECRET_KEY_FILE names (default DATA_DIR/secret_key,
    which scripts/run.sh writes on first start). Without either, only a debug run gets a key: a
    public default key would let anyone forge sessions and password-reset links."""
    key = env_str("DJANGO_SECRET_KEY", "")
    path = env_path("DJANGO_SECRET_KEY_FILE", DATA_DIR / "secret_key")
    if not key and path.is_file():
        key = path.read_text().strip()
    if key:
        return key
    if DEBUG:
        return "dev-only-insecure-key-" + "0123456789abcdefghijklmnopqrstuvwxyz"
    raise ImproperlyConfigured(
        "No secret key: set DJANGO_SECRET_KEY to a long random string (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or DJANGO_SECRET_KEY_FILE to a "
        f"file holding one. scripts/run.sh writes one to {path} on its first start."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "allauth",
    "allauth.account",
    "core",
    "accounts",
    # before django_q: its `qcluster` command is the studio's (gallery/management/commands/qcluster.py)
    "gallery",
    "django_q",
    "editing",
    "imagetext",
    "matting",
    "ocr",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxLoginRedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.navigation.sidebar",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
# SQLite by default. WAL lets the web process read while the worker writes; IMMEDIATE transactions
# take the write lock up front (no lock-upgrade deadlocks) and the timeout waits instead of failing
# with "database is locked".
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

# --- Cache and broker ----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The database cache is shared by web and worker processes (locmem would not be), so login
    # lock-outs and throttles hold across gunicorn workers too.
    # Past MAX_ENTRIES it drops a third of its entries. At Django's default of 300, a burst of 400
    # failed logins evicted the login lock when it lived here (it is a table now); throttle counters
    # and typed DashScope keys waiting for their job live here still.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "studio_cache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}

JOB_TIMEOUT_SECONDS = env_int("JOB_TIMEOUT_SECONDS", 300)
# A running job whose heartbeat is older than this is declared dead (its worker was killed).
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 90)
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
# A queued job handed to the broker longer ago than this is sent again by the reaper (every minute)
# or when it is read: the cluster that took it may have died. A re-send of a job still waiting is
# skipped by the worker that gets it, so a backlog costs one spare message per job per reap.
JOB_REDISPATCH_SECONDS = env_int("JOB_REDISPATCH_SECONDS", 30)
# How many of a user's jobs may be queued or running at once.
JOB_MAX_ACTIVE_PER_USER = env_int("JOB_MAX_ACTIVE_PER_USER", 20)
# `Authorization: Bearer <HEALTH_TOKEN>` makes /healthz show its details (database, broker, job
# counts) to a monitor; anonymous callers get only ok or not. Empty: only staff see the details.
HEALTH_TOKEN = env_str("HEALTH_TOKEN", "")

Q_CLUSTER = {
    # "name" salts the signature of every queued task: one value for the whole site, or a job sent to
    # another machine's cluster fails to unsign there. "cluster_name" is the queue a qcluster serves.
    "name": "studio",
    "cluster_name": env_str("Q_CLUSTER_NAME", "studio"),
    "workers": env_int("Q_WORKERS", 2),
    "timeout": JOB_TIMEOUT_SECONDS,
    # retry must exceed timeout, or a slow job is handed to a second worker while the first runs.
    "retry": JOB_TIMEOUT_SECONDS + 60,
    # A failed task is never re-run by the queue: retrying is a user's decision and makes a new job.
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": 1000,
    "poll": 0.05,
    "guard_cycle": 0.5,
    "catch_up": False,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Job kinds and the function that runs each one (explicit, no import-time discovery).
# Job kinds are declared in each app's kinds.py (gallery.kinds). JOB_HANDLERS adds or replaces handlers
# by kind (tests register their own kinds here); JOB_CLUSTERS sends a kind to a named django-q2 cluster.
JOB_HANDLERS: dict[str, str] = {}
JOB_CLUSTERS: dict[str, str] = {}
# The cluster of the kinds that run a local model (a GPU machine runs
# `Q_CLUSTER_NAME=gpu python manage.py qcluster`). Empty: every job goes to the default cluster.
GENERATION_LOCAL_CLUSTER = env_str("GENERATION_LOCAL_CLUSTER", "")
# The cluster of every kind that loads a model (OCR, cutout, text in images, local generation): a GPU
# machine runs `Q_CLUSTER_NAME=gpu ML_DEVICE=cuda python manage.py qcluster`, the CPU machine the rest
# (crop, resize, DashScope generation). GENERATION_LOCAL_CLUSTER, when set, wins for the diffusers kinds.
MODEL_JOB_CLUSTER = env_str("MODEL_JOB_CLUSTER", "")

# --- Files ---------------------------------------------------------------------------------------
# Private: never served by URL; gallery.views streams files after an ownership check.
# MEDIA_ROOT is used when MEDIA_STORAGE=filesystem (below).
MEDIA_ROOT = env_path("MEDIA_ROOT", DATA_DIR / "media")
STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where uploads, results and thumbnails live: "filesystem" (MEDIA_ROOT) or "s3", an S3-compatible
# bucket (AWS, MinIO, Ceph, R2, ...) shared by every web and worker machine. Private either way:
# files are streamed after the ownership check, never given a (presigned) URL (docs/operations.md).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "gallery.storage.PrivateStorage"}
elif MEDIA_STORAGE == "s3":
    if not env_str("MEDIA_S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET, the bucket's name.")
    _media_storage = {"BACKEND": "gallery.s3_storage.PrivateS3Storage", "OPTIONS": {
        "bucket_name": env_str("MEDIA_S3_BUCKET"),
        # Empty: AWS itself; else e.g. http://minio.internal:9000
        "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
        # Empty: boto3's own chain (AWS_* variables, ~/.aws, the instance's role)
        "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        "region_name": env_str("MEDIA_S3_REGION") or None,
        # "path" for servers without per-bucket host names (MinIO by default)
        "addressing_style": env_str("MEDIA_S3_ADDRESSING_STYLE", "auto"),
        # A key prefix, so one bucket can hold several studios
        "location": env_str("MEDIA_S3_PREFIX", "").strip("/"),
        "connect_timeout": env_int("MEDIA_S3_CONNECT_TIMEOUT", 5),
        "read_timeout": env_int("MEDIA_S3_READ_TIMEOUT", 30),
        # Objects up to this size are read into memory, larger ones spool to a temporary file.
        "max_memory_size": 8 * 1024 * 1024,
    }}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, got {MEDIA_STORAGE!r}")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# An object older than this with no row is an orphan (a crash between writing it and committing
# its row); younger ones may belong to an upload still in progress (gallery.reconcile).
MEDIA_ORPHAN_GRACE_SECONDS = env_int("MEDIA_ORPHAN_GRACE_SECONDS", 6 * 3600)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 50_000_000)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 20)
# Pixels of all the files of one request together. Files are decoded one at a time, so this bounds
# the time a request spends decoding and encoding (under GUNICORN_TIMEOUT), not its memory: 250 MP
# takes 20 phone photos of 12 MP, or 5 images at UPLOAD_MAX_PIXELS.
UPLOAD_MAX_REQUEST_PIXELS = env_int("UPLOAD_MAX_REQUEST_PIXELS", 250_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django refuses beyond this with a bare 400; our own, translated limit (UPLOAD_MAX_FILES) comes first.
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, UPLOAD_MAX_FILES * 2)
THUMBNAIL_SIZE = env_int("THUMBNAIL_SIZE", 320)
# Days until uploads and results are deleted; 0 keeps them forever.
RETENTION_DAYS = env_int("RETENTION_DAYS", 30)
GALLERY_PAGE_SIZE = env_int("GALLERY_PAGE_SIZE", 48)

ML_WEIGHTS_DIR = env_path("ML_WEIGHTS_DIR", BASE_DIR / "weights")
ML_DEVICE = env_str("ML_DEVICE", "cpu")
# Where `manage.py fetch_models modnet` downloads the official MODNet checkpoint from (it lives on
# Google Drive, so there is no stable default), and its sha256 when known.
MODNET_URL = env_str("MODNET_URL", "")
MODNET_SHA256 = env_str("MODNET_SHA256", "")
# Portrait cutout: engine "auto" (MODNet when its checkpoint is in ML_WEIGHTS_DIR, else U^2-Net-p,
# which ships with the project), "modnet" or "u2netp"; photos larger than MATTING_MAX_PIXELS are
# refused (the refinement holds a few float copies of the photo in memory).
MATTING_ENGINE = env_str("MATTING_ENGINE", "auto")
MATTING_MAX_PIXELS = env_int("MATTING_MAX_PIXELS", 24_000_000)
# OCR: engine "auto" (per request: PP-OCR for Chinese/English, EasyOCR for other languages whose
# weights are present), "ppocr" or "easyocr"; PP-OCR's detector sees each image at its own size (small
# ones enlarged up to 1.25x), never more than OCR_DET_LIMIT pixels on the longer side; OCR_SMALL_TEXT_PX
# (0: off) detects again at a larger size where the first pass found only text shorter than that;
# lines read with less confidence than OCR_MIN_SCORE are dropped.
OCR_ENGINE = env_str("OCR_ENGINE", "auto")
OCR_DET_LIMIT = env_int("OCR_DET_LIMIT", 2000)
OCR_SMALL_TEXT_PX = env_int("OCR_SMALL_TEXT_PX", 0)
OCR_MIN_SCORE = float(env_str("OCR_MIN_SCORE", "0.5"))
OCR_LANGUAGES = env_list("OCR_LANGUAGES", ["ch_sim", "en"])

# --- Text in images --------------------------------------------------------------------------------
# Extra folders searched for font files (before the system folders: Noto CJK from Debian's
# fonts-noto-cjk, DejaVu from fonts-dejavu-core), comma-separated.
TEXT_FONT_DIRS = env_list("TEXT_FONT_DIRS", [])

# Text to image. DashScope: the server's key (users may save their own, encrypted with
# DASHSCOPE_KEY_ENCRYPTION_KEY, or type one per request); DASHSCOPE_BASE_URL points the SDK elsewhere
# (e.g. the fake server: `manage.py fake_dashscope`). The offered models are a list (new wan*/qwen-image*
# names get their family's rules). The local diffusers model is a folder or a hub id; empty: not offered.
DASHSCOPE_API_KEY = env_str("DASHSCOPE_API_KEY", "")
DASHSCOPE_BASE_URL = env_str("DASHSCOPE_BASE_URL", "")
# A Fernet key (or any long secret, hashed into one); empty: derived from DJANGO_SECRET_KEY.
DASHSCOPE_KEY_ENCRYPTION_KEY = env_str("DASHSCOPE_KEY_ENCRYPTION_KEY", "")
DASHSCOPE_MODELS = env_list("DASHSCOPE_MODELS", [
    "qwen-image", "qwen-image-plus", "wanx2.1-t2i-turbo", "wanx2.1-t2i-plus", "wan2.2-t2i-flash",
])
DASHSCOPE_TIMEOUT = env_int("DASHSCOPE_TIMEOUT", 180)
DASHSCOPE_POLL_INTERVAL = float(env_str("DASHSCOPE_POLL_INTERVAL", "1.0"))
DASHSCOPE_SUBMIT_RETRIES = env_int("DASHSCOPE_SUBMIT_RETRIES", 4)
DASHSCOPE_BACKOFF = float(env_str("DASHSCOPE_BACKOFF", "1.0"))
DASHSCOPE_MIN_SUBMIT_INTERVAL = float(env_str("DASHSCOPE_MIN_SUBMIT_INTERVAL", "0.5"))
GENERATION_LOCAL_MODEL = env_str("GENERATION_LOCAL_MODEL", "")
# follows ML_DEVICE when that is set (a GPU worker sets one variable for every engine)
GENERATION_LOCAL_DEVICE = env_str("GENERATION_LOCAL_DEVICE", env_str("ML_DEVICE", "auto"))
GENERATION_LOCAL_MAX_SIDE = env_int("GENERATION_LOCAL_MAX_SIDE", 1024)
GENERATION_LOCAL_STEPS = env_int("GENERATION_LOCAL_STEPS", 4)
# Default classifier-free guidance: 0 suits distilled models (sd-turbo); 7.5 suits Stable Diffusion 1.5.
GENERATION_LOCAL_GUIDANCE = float(env_str("GENERATION_LOCAL_GUIDANCE", "0.0"))
# Hub ids may download on first use only when this is on (off by default: weights are provisioned).
GENERATION_LOCAL_ALLOW_DOWNLOAD = env_bool("GENERATION_LOCAL_ALLOW_DOWNLOAD", False)

# --- Accounts (django-allauth) -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account or address before any backend checks a password (every way in).
    "accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# A refused login or password reset answers the same for an unknown and a known account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# allauth's sliding window for failed logins is off: our lock-out (accounts/lockout.py) does that
# job for every way in, /admin/ included, which allauth's limit does not see. Its other limits stay
# (password reset: 20/m per address, 5/m per e-mail); sign-up is bounded per address.
ACCOUNT_RATE_LIMITS = {"login_failed": False, "signup": env_str("SIGNUP_RATE_LIMIT", "10/m/ip,60/h/ip")}
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
LOGIN_LOCKOUT_ATTEMPTS = env_int("LOGIN_LOCKOUT_ATTEMPTS", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# One address alone is limited only at a much higher volume: behind a proxy or NAT, everyone shares it.
LOGIN_LOCKOUT_ADDRESS_ATTEMPTS = env_int("LOGIN_LOCKOUT_ADDRESS_ATTEMPTS", 100)
# Proxies (addresses or networks, e.g. 127.0.0.1,10.0.0.0/8) whose X-Forwarded-For names the client,
# for lock-outs and throttles. Empty: REMOTE_ADDR only, and the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "studio@localhost")
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS and browser security ---------------------------------------------------------------------
# Behind TLS (a reverse proxy that sets X-Forwarded-Proto, trusted by gunicorn's FORWARDED_ALLOW_IPS):
# cookies only over HTTPS, plain HTTP redirected, and HSTS so browsers never try HTTP again.
# DJANGO_SECURE_COOKIES is the older name of the same switch.
HTTPS = env_bool("DJANGO_HTTPS", env_bool("DJANGO_SECURE_COOKIES", False))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitors may probe over plain HTTP from inside
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers that cannot be taken back quickly: opt in, hence W021 silenced.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"
# Only our own scripts, styles, fonts and images (uploads are shown from data:/blob: URLs before they
# are sent). Templates set a few style="" attributes (aspect ratios, swatches), hence style-src-attr;
# no <style> element or inline script is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Languages -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.StudioPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.UserThrottle",
        "core.throttling.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "6000/hour"),
        "anon": env_str("API_THROTTLE_ANON", "100/hour"),
        "jobs": env_str("API_THROTTLE_JOBS", "600/hour"),
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Image Studio API",
    "DESCRIPTION": (
        "Everything the studio's pages do, for scripts and apps. Upload images into your private gallery and "
        "find, download (converted on the fly), zip and delete them; then run jobs on them: **read text** (OCR, "
        "Chinese, English and more, with .txt/.json exports), **text to image** (DashScope Qwen-Image and Wanx, "
        "or a local diffusers model, with prompt templates), **text in images** (find lines, add, modify and "
        "remove text, generate a picture with text placed in it), **portrait cutout** (transparent PNG/WebP and "
        "its matte, new backgrounds, touch-ups, zips) and **crop / resize**. A job answers `202 Accepted` with "
        "a `Location` to poll (`status`, `progress`, `outputs`, `error`); its results are gallery items.\n\n"
        "Authenticate with `Authorization: Bearer ist_...` (a token from the Settings page) or a signed-in "
        "session. You only ever see your own items and jobs: another user's id answers 404.\n\n"
        "Every error, unknown addresses and wrong methods included, answers "
        "`{\"error\": {\"code\": ..., \"message\": ...}}` with a stable `code`; messages follow "
        "`Accept-Language` (`zh-Hans` or `en`), and without it are in Simplified Chinese, the studio's default."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets shared by several inputs, named once (the input contracts hold them).
    "ENUM_NAME_OVERRIDES": {
        "EditingFormatEnum": "editing.params.FORMAT_CHOICES",
        "CutoutFormatEnum": "matting.params.CUTOUT_FORMATS",
        "BackgroundFormatEnum": "matting.params.BACKGROUND_FORMATS",
        "CutoutEngineEnum": "matting.engines.ENGINE_CHOICES",
    },
}

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # UTC in every line, whatever TIME_ZONE shows users (core/log_format.py)
    "formatters": {"utc": {"()": "core.log_format.UtcFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
