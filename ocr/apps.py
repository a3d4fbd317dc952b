from django.utils.translation import gettext_lazy as _

from gallery import feature_app


class OcrConfig(feature_app.FeatureConfig):
    name = "ocr"
    verbose_name = _("Read text")
