from django.utils.translation import gettext_lazy as _

from gallery import feature_app


class ImageTextConfig(feature_app.FeatureConfig):
    name = "imagetext"
    verbose_name = _("Text in images")
