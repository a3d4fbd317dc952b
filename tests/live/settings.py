"""Base settings plus a slow test handler, for the live test that kills a worker mid-job."""

from config.settings.base import *  # noqa: F403
from config.settings.base import JOB_HANDLERS

JOB_HANDLERS = {**JOB_HANDLERS, "test.slow": "tests.job_handlers.slow_handle"}
