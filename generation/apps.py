from django.utils.translation import gettext_lazy as _

from gallery import feature_app


class GenerationConfig(feature_app.FeatureConfig):
    name = "generation"
    verbose_name = _("Text to image")
