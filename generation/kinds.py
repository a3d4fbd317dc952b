"""The job kinds of Text to image, one per backend so that the local one can run on a GPU machine's
cluster (registered in gallery.kinds by GenerationConfig)."""

from django.utils.translation import gettext_lazy as _

from gallery.kinds import JobKind

DASHSCOPE = JobKind("generation.dashscope", "generation.handlers.generation_handle", _("Text to image (DashScope)"),
                    generation_backed=True, cancel_while_running=True)
LOCAL = JobKind("generation.local", "generation.handlers.generation_handle", _("Text to image (local model)"),
                loads_model=True, local_model=True, generation_backed=True, cancel_while_running=True)
KINDS = (DASHSCOPE, LOCAL)
