from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gallery.models import GalleryItem, Job, WorkerBeat


@admin.register(GalleryItem)
class GalleryItemAdmin(admin.ModelAdmin):
    list_display = ("thumb", "name", "owner", "kind", "width", "height", "format", "bytes", "created_at", "expires_at")
    list_filter = ("kind", "format", "created_at")
    search_fields = ("name", "owner__username", "search_text", "id")
    readonly_fields = ("thumb_large", "id", "owner", "file", "thumbnail", "width", "height", "format", "bytes",
                       "sha256", "parent", "job", "created_at", "search_text")
    list_select_related = ("owner",)
    raw_id_fields = ("parent", "job")

    def has_add_permission(self, request):
        return False  # items come from uploads and jobs, which store files and thumbnails

    # Staff see files through the same streaming view; admin has no public media URL either.
    @admin.display(description=_("thumbnail"))
    def thumb(self, obj):
        return format_html('<img src="{}" style="height:48px;border-radius:4px" alt="">',
                           reverse("admin-thumbnail", args=[obj.id]))

    @admin.display(description=_("preview"))
    def thumb_large(self, obj):
        return format_html('<img src="{}" style="max-height:320px" alt="">', reverse("admin-thumbnail", args=[obj.id]))


class OutputInline(admin.TabularInline):
    model = GalleryItem
    fk_name = "job"
    fields = ("name", "kind", "width", "height", "format")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "owner", "status", "progress", "error_code", "worker", "queued_at", "duration")
    list_filter = ("status", "kind", "error_code", "queued_at")
    search_fields = ("id", "owner__username", "error_message", "kind", "worker")
    readonly_fields = ("id", "owner", "kind", "params", "result", "error_code", "error_message", "engine",
                       "model_name", "task_id", "worker", "attempts", "queued_at", "started_at", "heartbeat_at",
                       "finished_at", "language")
    filter_horizontal = ()
    raw_id_fields = ("inputs",)
    inlines = [OutputInline]
    list_select_related = ("owner",)

    def has_add_permission(self, request):
        return False  # a job is created by a service, which also enqueues it

    @admin.display(description=_("seconds"))
    def duration(self, obj):
        d = obj.duration_seconds
        return f"{d:.2f}" if d is not None else "—"


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")
