import unicodedata
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import moderation, receipts
from .models import Comment

HONEYPOT = "subject"

# Bidirectional overrides let a name display as something other than what it says.
BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def _control_characters(value, allowed=""):
    return any(
        (unicodedata.category(char) == "Cc" and char not in allowed) or char in BIDI_CONTROLS
        for char in value
    )


def validate_single_line(value):
    if _control_characters(value):
        raise ValidationError(
            _("Remove the control characters (such as line breaks or tabs) from this field."),
            code="control_characters",
        )


def validate_plain_text(value):
    if _control_characters(value, allowed="\n\t"):
        raise ValidationError(
            _("Your comment contains control characters; please remove them."),
            code="control_characters",
        )


def validate_readable(value):
    # Bytes that were not UTF-8 reach the form as U+FFFD, which no keyboard types.
    if "\ufffd" in value:
        raise ValidationError(
            _("Some characters could not be read (shown as �); please type them again."),
            code="unreadable",
        )


class PlainTextField(forms.CharField):
    """Plain text, stripped; line breaks normalised to \\n so they count once towards the limit."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)
        self.validators.append(validate_plain_text if multiline else validate_single_line)
        self.validators.append(validate_readable)

    def to_python(self, value):
        value = super().to_python(value)
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value


class WebAddressField(forms.URLField):
    """A web address (http or https), checked once: URLField's own check and ours would
    each report a bad one, the reader reading the same message twice."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.ModelForm):
    """A reader's comment. The view decides what happens to it; see comments.moderation."""

    body = PlainTextField(
        label=_("Comment"),
        multiline=True,
        max_length=Comment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 7, "cols": 45}),
        error_messages={"required": _("Please write your comment.")},
    )
    name = PlainTextField(
        label=_("Name"),
        max_length=Comment._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=Comment._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "aria-describedby": "email-notes"}),
        error_messages={
            "required": _("Please give your email address; it will not be published."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )
    website = WebAddressField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=Comment._meta.get_field("website").max_length,
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": _("Enter a web address, like https://example.com.")},
    )
    notify_replies = forms.BooleanField(
        label=_("Email me when someone replies to my comment."), required=False
    )
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("The comment you are replying to is not available any more.")
        },
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["body", "name", "email", "website", "notify_replies", "parent"]

    def __init__(self, article, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.instance.article = article
        self.fields["parent"].queryset = article.comments.approved()
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def without_parent(self):
        """This form sent back without the comment it replied to, which is gone (or the thread
        too deep): sent again, the comment stands on its own. Kept, the hidden parent made
        every resend fail the same way."""
        data = self.data.copy()
        data[self.add_prefix("parent")] = ""
        form = type(self)(self.article, data)
        form.is_valid()
        again = _("Send yours again to post it as a comment of its own: it is kept below.")
        for error in self.errors.get("parent", []):
            form.add_error(None, f"{error} {again}")
        return form

    def is_bot(self):
        """True when the field hidden from people was filled in."""
        return self.is_bound and bool(self.data.get(HONEYPOT))

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent is not None and not moderation.can_take_reply(parent):
            raise ValidationError(
                _(
                    "This conversation is already %(depth)s replies deep; "
                    "please reply to an earlier comment in it."
                ),
                params={"depth": settings.NEWSROOM_COMMENT_MAX_DEPTH},
                code="too_deep",
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        age = moderation.form_token_age(cleaned.get("token", ""))
        if age is None:
            self.add_error(
                None,
                ValidationError(
                    _("Please check your comment and press “Post Comment” again to send it."),
                    code="confirm",
                ),
            )
        elif age > settings.NEWSROOM_COMMENT_FORM_MAX_AGE:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "This form was open for too long. "
                        "Please check your comment and send it again."
                    ),
                    code="expired",
                ),
            )
        cleaned["token_age"] = age
        return cleaned

    def hidden_duplicate(self):
        """The poster's own earlier copy of this comment, if it is not public: held, binned
        or rejected, posted in the last day with the same email, name, text and parent.

        The view answers a repeat exactly like a first post (see comments.views), so the
        answer tells nobody whether a hidden comment exists; only a copy that is public
        anyway may be posted again, and then it waits for a moderator like any other.
        """
        data = self.cleaned_data
        since = timezone.now() - timedelta(seconds=receipts.MAX_AGE)
        return (
            self.article.comments.exclude(status=Comment.Status.APPROVED)
            .filter(
                email__iexact=data["email"],
                name=data["name"],
                body=data["body"],
                parent=data.get("parent"),
                created_at__gte=since,
            )
            .order_by("pk")
            .first()
        )

    def full_clean(self):
        super().full_clean()
        # Point each field with an error at its message, for screen readers.
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                widget = self.fields[name].widget
                described = [f"{self[name].auto_id}-error", widget.attrs.get("aria-describedby")]
                widget.attrs["aria-describedby"] = " ".join(filter(None, described))

    def top_errors(self):
        """Errors not tied to a visible field: shown above the form."""
        return [*self.non_field_errors(), *self.errors.get("parent", [])]
