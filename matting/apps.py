from django.utils.translation import gettext_lazy as _

from gallery import feature_app


class MattingConfig(feature_app.FeatureConfig):
    name = "matting"
    verbose_name = _("Portrait cutout")
