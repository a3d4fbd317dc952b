"""One log line format for every process (web master and workers, job workers): UTC, whatever TIME_ZONE
the studio shows its users (Django sets the process's TZ to it, which is why gunicorn's workers logged in
+0800 while its master logged in UTC). Plain Python, so gunicorn's config can use it before Django loads."""

import logging
import time

FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"


class UtcFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, fmt: str | None = FORMAT, datefmt: str | None = None, style: str = "%", **kwargs):
        super().__init__(fmt, datefmt, style, **kwargs)


def dict_config(level: str = "INFO") -> dict:
    """A logging.config.dictConfig for gunicorn: its error and access logs in the same UTC format."""
    formatter = {"()": "core.log_format.UtcFormatter"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"utc": formatter},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "formatter": "utc", "stream": "ext://sys.stdout"},
            "stderr": {"class": "logging.StreamHandler", "formatter": "utc", "stream": "ext://sys.stderr"},
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }
