"""Base settings plus test handlers, for the live tests that kill workers mid-job."""

from config.settings.base import *  # noqa: F403
from config.settings.base import JOB_HANDLERS

JOB_HANDLERS = {
    **JOB_HANDLERS, "test.slow": "tests.job_handlers.slow_handle", "test.soak": "tests.job_handlers.soak_handle",
}
