"""Text-to-image on Alibaba Cloud DashScope through the real `dashscope` SDK (ImageSynthesis).

submit (async) -> poll until a final state, with a timeout, cancelling the remote task when the caller
asks -> download every result image at once (result URLs expire after 24 hours). Every failure ends
in a GenerationError with a stable code:

    missing_key, invalid_key        no key / 401 / 403
    throttled                       429 still answered after the bounded retries
    content_blocked                 DataInspectionFailed (submit 400, or a FAILED task)
    bad_request                     any other 400 (the service's message kept in `detail`)
    task_failed, task_unknown       task ended FAILED (other codes) or UNKNOWN
    server_error                    5xx on submit, or repeated 5xx while polling
    network                         connection refused / reset / DNS, on submit, poll or download
    timeout                         the task did not finish within `timeout` seconds (it is cancelled)
    cancelled                       the caller cancelled (the remote task is cancelled when still PENDING)
    download_failed, no_images      results that could not be fetched or decoded / no image at all

Submissions are spaced by `min_submit_interval` seconds in this process (DashScope allows 2 per
second per account); the caller may pass `submit_gate`, a callable that blocks until a submission may
go, to share that spacing between processes (the Django side does it through the cache)."""

from __future__ import annotations

import io
import logging
import threading
import time
from http import HTTPStatus

from PIL import Image, UnidentifiedImageError

from ml.availability import PACKAGE, Missing
from ml.generation.types import (
    CancelFn,
    GeneratedImage,
    GenerationCancelled,
    GenerationError,
    GenerationRequest,
    GenerationResult,
    ProgressFn,
)

logger = logging.getLogger(__name__)

FINAL = {"SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"}
_submit_lock = threading.Lock()
_last_submit = [0.0]


def _space_submissions(interval: float) -> None:
    """Blocks until at least `interval` seconds passed since this process's last submission."""
    with _submit_lock:
        wait = _last_submit[0] + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_submit[0] = time.monotonic()


def _classify(status: int, code: str, message: str) -> GenerationError:
    code = code or ""
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN) or code in ("InvalidApiKey", "AccessDenied"):
        return GenerationError("invalid_key", message, status=status)
    if status == HTTPStatus.TOO_MANY_REQUESTS or code.startswith("Throttling"):
        return GenerationError("throttled", message, status=status)
    if "DataInspection" in code or "inspection" in code.lower():
        return GenerationError("content_blocked", message, status=status)
    if status >= 500:
        return GenerationError("server_error", f"{status} {code} {message}".strip(), status=status)
    return GenerationError("bad_request", f"{code}: {message}" if code else message, status=status)


class DashScopeBackend:
    name = "dashscope"

    def __init__(self, *, base_url: str = "", timeout: float = 180.0, poll_interval: float = 1.0,
                 poll_max_interval: float = 5.0, submit_retries: int = 4, backoff: float = 1.0,
                 min_submit_interval: float = 0.5, request_timeout: float = 30.0, poll_error_retries: int = 3):
        self.base_url = base_url
        self.timeout = float(timeout)
        self.poll_interval = float(poll_interval)
        self.poll_max_interval = float(poll_max_interval)
        self.submit_retries = int(submit_retries)
        self.backoff = float(backoff)
        self.min_submit_interval = float(min_submit_interval)
        self.request_timeout = float(request_timeout)
        self.poll_error_retries = int(poll_error_retries)

    @classmethod
    def availability(cls, **_) -> tuple[bool, str]:
        try:
            import dashscope  # noqa: F401
        except ImportError:
            return False, Missing(PACKAGE, "dashscope", "the dashscope package is not installed")
        return True, ""

    # -- the SDK -------------------------------------------------------------------------------
    def _sdk(self):
        import dashscope
        from dashscope import ImageSynthesis

        if self.base_url:
            dashscope.base_http_api_url = self.base_url  # read at call time by submit and poll alike
        return ImageSynthesis

    def _submit(self, sdk, request: GenerationRequest, api_key: str, sleep, submit_gate=None) -> str:
        kwargs = {"size": request.size, "n": request.n}  # n always: the service defaults to 4 and bills each
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if request.prompt_extend is not None:
            kwargs["prompt_extend"] = request.prompt_extend
        if request.watermark is not None:
            kwargs["watermark"] = request.watermark
        for attempt in range(self.submit_retries + 1):
            _space_submissions(self.min_submit_interval)
            if submit_gate is not None:
                submit_gate()  # the caller's account-wide spacing (shared by every worker process)
            try:
                rsp = sdk.async_call(
                    model=request.model, prompt=request.prompt, api_key=api_key,
                    negative_prompt=request.negative_prompt or None, request_timeout=self.request_timeout, **kwargs,
                )
            except Exception as exc:  # the SDK and requests raise many kinds; each is mapped below
                raise self._exception(exc) from exc
            if rsp.status_code == HTTPStatus.OK and rsp.output and rsp.output.get("task_id"):
                return rsp.output["task_id"]
            error = _classify(rsp.status_code, rsp.code, rsp.message)
            if error.code != "throttled" or attempt == self.submit_retries:
                if error.code == "throttled":
                    error.detail = f"still throttled after {attempt + 1} attempts: {error.detail}"
                raise error
            delay = self.backoff * (2 ** attempt)
            retry_after = (rsp.headers or {}).get("Retry-After") if hasattr(rsp, "headers") else None
            if retry_after:
                try:
                    delay = max(delay, float(retry_after))
                except ValueError:
                    pass
            logger.info("DashScope throttled (429); retry %d in %.1f s", attempt + 1, delay)
            sleep(delay)
        raise GenerationError("throttled")  # not reached

    @staticmethod
    def _exception(exc: Exception) -> GenerationError:
        import requests
        from dashscope.common.error import AuthenticationError, DashScopeException

        if isinstance(exc, GenerationError):
            return exc
        if isinstance(exc, AuthenticationError):
            return GenerationError("missing_key", str(exc))
        if isinstance(exc, requests.Timeout):
            return GenerationError("network", f"timed out: {exc}")
        if isinstance(exc, (requests.ConnectionError, ConnectionError, OSError)):
            return GenerationError("network", str(exc))
        if isinstance(exc, requests.RequestException):
            return GenerationError("network", str(exc))
        if isinstance(exc, DashScopeException):
            return GenerationError("bad_request", str(exc))
        raise exc

    def _cancel(self, sdk, task_id: str, api_key: str) -> bool:
        try:
            rsp = sdk.cancel(task_id, api_key=api_key)
            return rsp.status_code == HTTPStatus.OK
        except Exception:  # best effort: the task is abandoned either way
            logger.warning("Could not cancel DashScope task %s", task_id, exc_info=True)
            return False

    def _download(self, url: str) -> tuple[Image.Image, bytes]:
        import requests

        try:
            response = requests.get(url, timeout=self.request_timeout)
        except requests.RequestException as exc:
            raise GenerationError("network", f"download: {exc}") from exc
        if response.status_code != 200:
            raise GenerationError("download_failed", f"{response.status_code} for {url}")
        try:
            image = Image.open(io.BytesIO(response.content))
            image.load()  # fully decoded: a truncated or corrupt file fails here
        except (UnidentifiedImageError, OSError) as exc:
            raise GenerationError("download_failed", f"not an image: {url}") from exc
        return image, response.content

    # -- the job -------------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, *, api_key: str, progress: ProgressFn | None = None,
                 should_cancel: CancelFn | None = None, sleep=time.sleep, submit_gate=None) -> GenerationResult:
        progress = progress or (lambda f, note: None)
        should_cancel = should_cancel or (lambda: False)
        if not api_key:
            raise GenerationError("missing_key")
        started = time.perf_counter()
        sdk = self._sdk()
        if should_cancel():
            raise GenerationCancelled("before submission")
        progress(0.02, "submit")
        task_id = self._submit(sdk, request, api_key, sleep, submit_gate)
        progress(0.1, "submitted")
        rsp = self._poll(sdk, task_id, api_key, progress, should_cancel, sleep, started)
        output = rsp.output
        status = output.get("task_status")
        if status != "SUCCEEDED":
            code, message = output.get("code") or "", output.get("message") or ""
            if status == "CANCELED":
                raise GenerationCancelled("cancelled at the service")
            if "DataInspection" in code:
                raise GenerationError("content_blocked", message, extra={"task_id": task_id})
            if status == "UNKNOWN":
                raise GenerationError("task_unknown", message or "task state UNKNOWN (expired or lost)",
                                      extra={"task_id": task_id})
            raise GenerationError("task_failed", f"{code}: {message}" if code else message, extra={"task_id": task_id})
        results = list(output.get("results") or [])
        with_url = [r for r in results if r.get("url")]
        if not with_url:
            failures = "; ".join(f"{r.get('code')}: {r.get('message')}" for r in results if r.get("code"))
            if any("DataInspection" in str(r.get("code")) for r in results):
                raise GenerationError("content_blocked", failures, extra={"task_id": task_id})
            raise GenerationError("no_images", failures, extra={"task_id": task_id})
        images = []
        for index, r in enumerate(with_url):
            image, data = self._download(r["url"])
            seed = None if request.seed is None else min(request.seed + index, 2_147_483_647)
            images.append(GeneratedImage(image=image, seed=seed, actual_prompt=r.get("actual_prompt") or "",
                                         source_url=r["url"], data=data, format=image.format or ""))
            progress(0.85 + 0.15 * index / len(with_url), f"download {index + 1}/{len(with_url)}")
        usage = getattr(rsp, "usage", None) or {}
        count = usage.get("image_count") if hasattr(usage, "get") else None
        partial = [{"code": r.get("code"), "message": r.get("message")} for r in results if not r.get("url")]
        seconds = time.perf_counter() - started
        return GenerationResult(
            images=images, backend=self.name, model=request.model, image_count=count, task_id=task_id,
            request_id=getattr(rsp, "request_id", "") or "", seconds=seconds, backend_seconds=seconds,
            extra={"partial_failures": partial} if partial else {},
        )

    def _poll(self, sdk, task_id, api_key, progress, should_cancel, sleep, started):
        interval, errors, polls = self.poll_interval, 0, 0
        while True:
            if should_cancel():
                self._cancel(sdk, task_id, api_key)
                raise GenerationCancelled(task_id)
            if time.perf_counter() - started > self.timeout:
                self._cancel(sdk, task_id, api_key)
                raise GenerationError("timeout", f"no result after {self.timeout:g} s", extra={"task_id": task_id})
            try:
                rsp = sdk.fetch(task_id, api_key=api_key)
            except Exception as exc:
                error = self._exception(exc)
                errors += 1
                if errors > self.poll_error_retries:
                    raise error from exc
                sleep(interval)
                continue
            if rsp.status_code == HTTPStatus.OK and rsp.output:
                errors = 0
                status = rsp.output.get("task_status")
                if status in FINAL:
                    return rsp
                polls += 1
                elapsed = time.perf_counter() - started
                # No real progress comes from the service: move from 0.15 towards 0.8 as time passes.
                progress(min(0.8, 0.15 + 0.65 * elapsed / max(elapsed + 10.0, 1.0)), (status or "").lower())
            else:
                error = _classify(rsp.status_code, rsp.code, rsp.message)
                if error.code in ("invalid_key", "bad_request"):
                    raise error
                errors += 1  # 429 and 5xx while polling: wait and ask again, a bounded number of times
                if errors > self.poll_error_retries:
                    raise error
            sleep(interval)
            if polls and polls % 3 == 0:
                interval = min(interval * 2, self.poll_max_interval)
