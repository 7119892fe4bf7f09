"""The out-of-office form, for the mailbox owner and for staff: it translates the fields,
and `vacation.services` validates and writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vacation import services
from vacation.rules import DEFAULT_INTERVAL_DAYS

FIELD_OF_CODE = {
    "subject": "subject",
    "body": "body",
    "days": "last_day",
    "interval": "interval_days",
}


class VacationForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=services.SUBJECT_MAX,
        # Translators: the default subject of an automatic reply, in the owner's language.
        initial=_("Out of office"),
        help_text=_("Put before the subject of the message answered: “Out of office: …”."),
    )
    body = forms.CharField(
        label=_("Reply"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, sent once to each sender within the interval below."),
    )
    first_day = forms.DateField(
        required=False,
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: no replies before this day."),
    )
    last_day = forms.DateField(
        required=False,
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Optional: the last day that gets replies; after it the vacation switches itself off."
        ),
    )
    interval_days = forms.IntegerField(
        label=_("Days between two replies to one sender"),
        min_value=1,
        max_value=services.INTERVAL_MAX_DAYS,
        initial=DEFAULT_INTERVAL_DAYS,
    )

    @classmethod
    def for_vacation(cls, vacation, data=None) -> "VacationForm":
        initial = {}
        if vacation is not None:
            initial = {
                "subject": vacation.subject,
                "body": vacation.body,
                "first_day": vacation.first_day,
                "last_day": vacation.last_day,
                "interval_days": vacation.interval_days,
            }
        return cls(data, initial=initial)

    def setting(self) -> services.Setting:
        data = self.cleaned_data
        return services.Setting(
            subject=data["subject"],
            body=data["body"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            interval_days=data["interval_days"],
        )

    def save(self, address: str, actor) -> bool:
        """Switch the vacation on; False with the error on its field when refused."""
        try:
            services.set_vacation(address, self.setting(), actor=actor)
        except ValidationError as error:
            self.add_error(FIELD_OF_CODE.get(error.code), error)
            return False
        return True
