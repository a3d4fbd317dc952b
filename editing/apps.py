from django.utils.translation import gettext_lazy as _

from gallery import feature_app


class EditingConfig(feature_app.FeatureConfig):
    name = "editing"
    verbose_name = _("Editing")
