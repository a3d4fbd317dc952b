import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _item_upload_to(instance: "GalleryItem", filename: str) -> str:
    return f"items/{instance.owner_id}/{instance.id.hex[:2]}/{filename}"


def _thumb_upload_to(instance: "GalleryItem", filename: str) -> str:
    return f"thumbs/{instance.owner_id}/{instance.id.hex[:2]}/{filename}"


class GalleryItem(models.Model):
    """Every stored image, uploaded or made. Files are private (see gallery.storage)."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Upload")
        EDITED = "edited", _("Edited")
        GENERATED = "generated", _("Generated")
        CUTOUT = "cutout", _("Cutout")
        MATTE = "matte", _("Matte")
        OCR = "ocr", _("OCR")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gallery_items")
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    file = models.FileField(upload_to=_item_upload_to, max_length=255)
    thumbnail = models.FileField(upload_to=_thumb_upload_to, max_length=255, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        verbose_name=_("made from"),
    )
    job = models.ForeignKey(
        "gallery.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs",
        verbose_name=_("made by job"),
    )
    metadata = models.JSONField(default=dict, blank=True)
    # Name plus the text values of metadata, lower-cased: one portable column for gallery search.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["owner", "kind"])]
        verbose_name = _("gallery item")
        verbose_name_plural = _("gallery items")

    def __str__(self) -> str:
        return self.name

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1_000_000

    @property
    def content_type(self) -> str:
        return f"image/{self.format.lower()}"


class Job(models.Model):
    """One unit of work, run by a django-q2 worker (see gallery.runner)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    # What the handler is doing now: a step code (gallery.progress.STEPS, translated on the page) and,
    # for a step repeated per image, line or denoising step, which one of how many (0: not counted).
    step = models.CharField(max_length=40, blank=True)
    step_item = models.PositiveSmallIntegerField(default=0)
    step_items = models.PositiveSmallIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    inputs = models.ManyToManyField(GalleryItem, blank=True, related_name="input_of")
    result = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    engine = models.CharField(max_length=40, blank=True)
    model_name = models.CharField(max_length=80, blank=True)
    # The submitter's language: the worker writes error messages in it.
    language = models.CharField(max_length=10, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # When the job was last handed to the broker: a queued job sent long ago may have been taken by
    # a cluster that died since, and is sent again (gallery.services.jobs_redispatch_stranded).
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who ran it: "<cluster>@<host>:<pid>", set when a worker claims it (which machine, which queue).
    worker = models.CharField(max_length=120, blank=True, editable=False)
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["owner", "-queued_at"]), models.Index(fields=["status", "heartbeat_at"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def kind_label(self) -> str:
        from gallery import kinds

        return kinds.label(self.kind)

    @property
    def kind_info(self):
        """This job's kind as declared by its app (gallery.kinds.JobKind), None for an unknown one."""
        from gallery import kinds

        return kinds.get(self.kind)

    @property
    def step_label(self) -> str:
        from gallery.progress import step_label

        return step_label(self.step, self.step_item, self.step_items)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_cancellable(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class WorkerBeat(models.Model):
    """Last time a worker process showed life; /healthz reads it."""

    name = models.CharField(max_length=120, primary_key=True)
    seen_at = models.DateTimeField()
