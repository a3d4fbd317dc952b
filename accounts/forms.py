from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("Follow my browser"))] + list(settings.LANGUAGES),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=64,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. my laptop script")}))


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Wrong password."), code="wrong_password")
        return password


# Django 5.2's Chinese catalogue lacks this validator message; marking the same msgid here keeps
# our translation of it in locale/ when makemessages runs.
_PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
