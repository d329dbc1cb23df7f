from urllib.parse import unquote, urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.flatpages import admin as flatpages_admin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects import admin as redirects_admin
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.db import models, router
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.fields import ProseEditorFormField
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from newsroom.admin_filters import lookup_field
from newsroom.history_admin import ReadOnlyHistory
from newsroom.storage import StorageFailureShownInForm
from newsroom.widgets import ValidAutocomplete, ZonedSplitDateTime

from . import body_admin, bylines, images, kept_uploads, tags
from .desk import diff
from .desk.admin import DeskAdmin
from .desk.conflicts import CorrectionsGoneMeanwhile, RefusesStaleSave, RowsGoneMeanwhile
from .fields import BODY_EXTENSIONS, clean_html
from .models import (
    PUBLISH_PERMISSION,
    Article,
    Author,
    BreakingNews,
    Front,
    Image,
    Label,
    Notice,
    PreviewLink,
    Section,
    SiteLink,
    Slot,
    TaggedArticle,
)
from .photo_admin import LibraryImageChooser, rights_warning
from .redirects import CHAIN_LIMIT, MAX_PATH, answers, as_requested, leads_to, on_site, readable
from .retire import MoveStoriesOnDelete
from .wordpress.mapping import LongRedirect


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


# A publish or unpublish time further ahead than this is a slip of the keyboard (9999 for
# 2026): the story would never appear, or never come off. Times long past stay welcome:
# archives imported from WordPress go back decades.
YEARS_AHEAD = 10


def years_after(moment, years):
    """The same day and time ``years`` later (29 February: the 28th)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class ArticleAdminForm(
    RefusesStaleSave, kept_uploads.KeepsUpload, body_admin.BodyPhotosInReach, forms.ModelForm
):
    """Server-side guard: whatever the browser sends, only editors publish or schedule.
    The lead photo is chosen from the library, or uploaded here: the upload becomes a library
    image with the alt text, caption and credit typed beside it. A chosen photo survives the
    form's errors (articles/kept_uploads.py)."""

    featured_image = images.ImageUploadField(
        label=_("Or upload a new photo"),
        required=False,
        widget=kept_uploads.KeptImageInput,
    )
    image_alt = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        help_text=_("Describes the new photo for readers who cannot see it. Required with it."),
    )
    image_caption = forms.CharField(
        label=_("Caption"),
        max_length=300,
        required=False,
        help_text=_("For the new photo. A library photo's caption is changed in the library."),
    )
    image_credit = forms.CharField(label=_("Credit"), max_length=200, required=False)

    class Meta:
        model = Article
        fields = [
            "kicker",
            "headline",
            "slug",
            "dek",
            "body",
            "label",
            "dateline",
            "section",
            "tags",
            "authors",
            "lead_image",
            "status",
            "publish_at",
            "unpublish_at",
            "comments_open",
            "seo_title",
            "seo_description",
            "social_title",
            "social_description",
            "live_from",
            "live_until",
            "live_comments_open",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (
            self.instance.pk
            and "authors" in self.fields
            and "authors" not in kwargs.get("initial", {})
        ):
            self.initial["authors"] = [author.pk for author in bylines.ordered(self.instance)]

    def clean(self):
        cleaned = super().clean()
        if self.user is not None and not can_publish(self.user):
            if cleaned.get("status") == Article.Status.PUBLISHED:
                self.add_error("status", _("Only editors can publish or schedule articles."))
            if "publish_at" in self.changed_data:
                self.add_error(None, _("Only editors can set the publish time."))
        furthest = years_after(timezone.now(), YEARS_AHEAD)
        too_far = {
            "publish_at": _(
                "A publish time more than %(years)s years ahead is surely a typo: the story "
                "would never appear. Check the year."
            ),
            "unpublish_at": _(
                "An unpublish time more than %(years)s years ahead is surely a typo. Check the "
                "year, or leave it empty for a story that stays."
            ),
        }
        for name, message in too_far.items():
            # A new article's times count even untouched: the add form takes them from its
            # address (?publish_at=...).
            value = cleaned.get(name)
            typed = self.instance.pk is None or name in self.changed_data
            if value is not None and typed and value > furthest:
                self.add_error(name, message % {"years": YEARS_AHEAD})
        if cleaned.get("featured_image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image: alt text is required."))
        if not cleaned.get("featured_image"):
            # These describe a new upload; typed for a photo chosen from the library they
            # would be thrown away without a word.
            for name in ("image_alt", "image_caption", "image_credit"):
                if cleaned.get(name, "").strip():
                    self.add_error(
                        name,
                        _(
                            "This goes with a new upload, and no file was chosen. A library "
                            "photo's alt text, caption and credit are changed on its page "
                            "in the library."
                        ),
                    )
        # The time inputs show whole seconds: a time nobody touched keeps the microseconds
        # it was stored with (by a script, an import), or the save would look like a new
        # publish time to the history, the desk and the cache renewal.
        for name, field in self.fields.items():
            if (
                self.instance.pk
                and isinstance(field, forms.DateTimeField | forms.SplitDateTimeField)
                and name in cleaned
                and name not in self.changed_data
            ):
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def save(self, commit=True):
        upload = self.cleaned_data.get("featured_image")
        if upload:
            alt = self.cleaned_data["image_alt"].strip()
            # Titled by its alt text, written for readers, never by the headline: the photo
            # may go live in another story while this one is still a draft.
            photo = Image(
                file=upload,
                title=alt[:200],
                alt=alt,
                caption=self.cleaned_data["image_caption"],
                credit=self.cleaned_data["image_credit"],
                uploaded_by=self.user,
            )
            photo.save()
            self.instance.lead_image = photo
        return super().save(commit)

    def _save_m2m(self):
        # The byline is written in its order (articles.bylines), the other relations as usual.
        if "authors" not in self.cleaned_data:
            return super()._save_m2m()
        authors = self.cleaned_data.pop("authors")
        try:
            super()._save_m2m()
        finally:
            self.cleaned_data["authors"] = authors
        bylines.arrange(self.instance, authors)


class ArticleActionForm(helpers.ActionForm):
    """The bulk-action bar, stamped with when the list was drawn: "Publish now" publishes only
    what the editor could have seen then, never a version saved since."""

    listed_at = forms.CharField(
        label="", required=False, widget=forms.HiddenInput, initial=lambda: timezone.now()
    )


class BoundedInline:
    """An inline whose formset takes at most ``max_num`` rows, however many the browser says
    it sent: Django builds up to 1,000 more forms before refusing (TOTAL_FORMS=100000 took
    14 s), and says "Please submit at most …" at once this way."""

    max_num = 50
    formset = RowsGoneMeanwhile

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.get_max_num(request, obj))
        return super().get_formset(request, obj, **kwargs)


class NoticeInline(BoundedInline, admin.StackedInline):
    """Corrections and updates, written on the story they belong to (editors)."""

    model = Notice
    formset = CorrectionsGoneMeanwhile
    extra = 0
    view_on_site = False  # a notice shows on its story; it has no page of its own
    fields = ["kind", "position", "noted_at", "text"]
    formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}


class PreviewLinkForm(forms.ModelForm):
    withdraw = forms.BooleanField(
        label=_("Withdraw"), required=False, help_text=_("The link stops working at once.")
    )

    class Meta:
        model = PreviewLink
        fields = ["recipient", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        article = getattr(self.instance, "article", None)
        if self.instance.pk is None and article is not None and article.is_published():
            raise forms.ValidationError(
                _("This story is live: send its address, not an embargoed preview.")
            )
        # A link made or moved to a time already past would be dead on arrival; one that
        # has simply run out since and is left alone does not stop the story being saved.
        expires_at = cleaned.get("expires_at")
        if (
            expires_at is not None
            and (self.instance.pk is None or "expires_at" in self.changed_data)
            and expires_at <= timezone.now()
        ):
            self.add_error("expires_at", _("Valid until must be in the future."))
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("withdraw") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)


class PreviewLinkInline(BoundedInline, admin.StackedInline):
    """Signed links to this story's preview for named outsiders, each opening logged
    (articles/embargo.py); editors only. Stacked: a row of six columns with a date, a time
    and a long address did not fit a laptop's screen."""

    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    view_on_site = False  # the address is shown, to copy and send
    fields = ["recipient", "expires_at", "address", "state", "openings", "withdraw"]
    readonly_fields = ["address", "state", "openings"]
    formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("views")

    @admin.display(description=_("address"))
    def address(self, obj):
        if not obj.pk:
            return _("Save to make the link.")
        url = obj.get_absolute_url()
        if not obj.is_valid():
            return url  # no longer a link to follow
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)

    @admin.display(description=_("works"))
    def state(self, obj):
        if not obj.pk:
            return "—"
        if obj.revoked_at is not None:
            when = timezone.localtime(obj.revoked_at).strftime("%Y-%m-%d %H:%M")
            return _("No: withdrawn on %(when)s.") % {"when": when}
        if not obj.is_valid():
            return _("No: expired.")
        return _("Yes, until the time above.")

    @admin.display(description=_("opened"))
    def openings(self, obj):
        views = list(obj.views.all()) if obj.pk else []
        if not views:
            return _("never")
        times = ", ".join(
            timezone.localtime(view.viewed_at).strftime("%Y-%m-%d %H:%M") for view in views[:10]
        )
        return ngettext("%(count)d time: %(times)s", "%(count)d times: %(times)s", len(views)) % {
            "count": len(views),
            "times": times,
        }


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = ["position", "article", "expires_at"]
        widgets = {"position": forms.HiddenInput(attrs={"data-slot-position": ""})}

    def clean_article(self):
        article = self.cleaned_data["article"]
        if "article" in self.changed_data and not article.is_published():
            raise forms.ValidationError(_("Only a published article can be placed on a front."))
        return article

    def clean_expires_at(self):
        # As for banners: an end already past would take the pick off the moment it is saved.
        ends = self.cleaned_data["expires_at"]
        if ends is not None and "expires_at" in self.changed_data and ends <= timezone.now():
            raise forms.ValidationError(
                _("This time has passed: the pick would never show. Choose a later one.")
            )
        return ends


class SlotsFormSet(RowsGoneMeanwhile):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            article = form.cleaned_data.get("article") if form.is_valid() else None
            if article is None or self._should_delete_form(form):
                continue
            if article.pk in seen:
                raise forms.ValidationError(
                    _("“%(headline)s” is picked twice: a story shows once, keep one slot.")
                    % {"headline": article.headline}
                )
            seen.add(article.pk)


class SlotInline(BoundedInline, ValidAutocomplete, admin.TabularInline):
    """The lead story first, then the top stories: drag the rows (or use their Up and Down
    buttons) to reorder; static/js/admin_slots.js keeps the positions. Each saved pick says
    whether readers see it now."""

    model = Slot
    form = SlotForm
    formset = SlotsFormSet
    extra = 3
    autocomplete_fields = ["article"]
    readonly_fields = ["showing"]
    formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    @admin.display(description=_("showing"))
    def showing(self, slot):
        if slot.pk is None:
            return ""
        if slot.expires_at is not None and slot.expires_at <= timezone.now():
            return _("no: its time ended")
        if not slot.article.is_published():
            return _("no: the story is not live")
        return _("yes")


def checked_new_path(site, old_path, new_path, replacing=None):
    """``new_path`` as kept (a path on this site as browsers ask for it), with what the editor
    should know; a ValidationError when readers could not follow it: an address that is not
    a page (``javascript:``), one that leaves the site while looking like a path
    (``//host/``), or one the table sends back to ``old_path``. Empty: the old address is
    gone (410). ``replacing``: the pk of the redirect being edited (its stored row is read
    as gone)."""
    if not new_path:
        return new_path, []
    if new_path.startswith("/") and "\\" in new_path:
        raise forms.ValidationError(_("A path on this site has no backslash."))
    if on_site(new_path):
        new_path = as_requested(new_path)
    else:
        parts = urlsplit(new_path)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise forms.ValidationError(
                _("Give a path on this site (/section/world/) or a full address (https://…).")
            )
    if len(new_path) > MAX_PATH:
        raise forms.ValidationError(
            _("Give a new address of at most %(max)d characters (percent-encoded: %(n)d).")
            % {"max": MAX_PATH, "n": len(new_path)}
        )
    end = leads_to(site, old_path, new_path, replacing)
    if end is None:
        raise forms.ValidationError(
            _(
                "This would send readers back to the same address (through the redirects "
                "from %(new)s, or more than %(limit)d of them in a row)."
            )
            % {"new": readable(new_path), "limit": CHAIN_LIMIT}
        )
    if end == new_path:
        return new_path, []
    # Kept as typed, so that it follows when that redirect is changed; readers go on.
    return new_path, [
        _("%(new)s is itself redirected: readers are sent on to %(end)s.")
        % {"new": readable(new_path), "end": readable(end)}
    ]


class RedirectForm(forms.ModelForm):
    """A redirect typed by hand (slug changes write their own, articles/signals.py): the old
    address a path on this site, the new one elsewhere than itself. Paths on this site are
    kept as browsers ask for them (percent-encoded, articles.redirects.as_requested), however
    they were typed, and shown readable. An old address longer than the table's 200
    characters is kept as a LongRedirect, as the WordPress import keeps them, never cut."""

    # Not the table's field: its 200 characters would have the browser cut a longer address.
    old_path = forms.CharField(
        label=_("Redirect from"),
        max_length=2000,
        help_text=_("A path on this site, as readers type it: /2019/05/old-story/ or /?p=123."),
    )
    # Checked in clean() once encoded, with a message, rather than cut by the browser.
    new_path = forms.CharField(
        label=_("Redirect to"),
        max_length=2000,
        required=False,
        help_text=_(
            "A path on this site (/section/world/) or a full address (https://…). Empty: the "
            "old address answers “gone” (410)."
        ),
    )

    class Meta:
        model = Redirect
        # Not old_path: save() writes it, to whichever table its length calls for.
        fields = ["site", "new_path"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["old_path"] = readable(self.instance.old_path)
        if self.initial.get("new_path"):
            self.initial["new_path"] = readable(self.initial["new_path"])

    def clean(self):
        cleaned = super().clean()
        site, old = cleaned.get("site"), cleaned.get("old_path", "")
        new = cleaned.get("new_path", "")
        if old and not on_site(old):
            self.add_error("old_path", _("Start the old address with a slash: /old-story/."))
            old = ""
        elif old:
            old = cleaned["old_path"] = as_requested(old)
            self.check_unique(site, old)
        self.warnings = []
        if site is not None and old and "new_path" in cleaned:
            try:
                cleaned["new_path"], self.warnings = checked_new_path(
                    site, old, new, replacing=self.instance.pk
                )
            except forms.ValidationError as error:
                self.add_error("new_path", error)
        if site is not None and old and answers(site, old):
            self.warnings.append(
                _(
                    "%(old)s answers with a page of its own: this redirect only takes effect "
                    "once that page is gone (a redirect stands in for “not found”)."
                )
                % {"old": readable(old)}
            )
        return cleaned

    def check_unique(self, site, old):
        if len(old) > MAX_PATH:
            if self.instance.pk:
                self.add_error(
                    "old_path",
                    _(
                        "This address is over %(max)d characters once percent-encoded, too "
                        "long for this table: add it as a new redirect (it is kept under Long "
                        "redirects), then delete this one."
                    )
                    % {"max": MAX_PATH},
                )
            elif LongRedirect.objects.filter(
                site=site, path_digest=LongRedirect.digest_of(old)
            ).exists():
                self.add_error(
                    "old_path",
                    _("This address already has a redirect, under Long redirects: change it."),
                )
        elif Redirect.objects.filter(site=site, old_path=old).exclude(pk=self.instance.pk).exists():
            self.add_error("old_path", _("This address already has a redirect: change that one."))

    def save(self, commit=True):
        redirect = super().save(commit=False)
        old = self.cleaned_data["old_path"]
        if len(old) > MAX_PATH:
            redirect = LongRedirect(
                site=redirect.site,
                path_digest=LongRedirect.digest_of(old),
                old_path=old,
                new_path=redirect.new_path,
            )
        else:
            redirect.old_path = old
        if commit:
            redirect.save()
        return redirect


class LongRedirectForm(forms.ModelForm):
    class Meta:
        model = LongRedirect
        fields = ["new_path"]

    def clean_new_path(self):
        new, self.warnings = checked_new_path(
            self.instance.site, self.instance.old_path, self.cleaned_data["new_path"]
        )
        return new


def warn(request, form):
    """What a redirect form found that does not stop the save (a chain, a page answering)."""
    for warning in form.warnings:
        messages.warning(request, warning)


@admin.register(LongRedirect)
class LongRedirectAdmin(admin.ModelAdmin):
    """Old addresses too long for the redirect table (an import's long non-Latin permalinks,
    articles/redirects.py): listed readable, pointed elsewhere or deleted. The import makes
    them, and the redirect form for an old address that long (added there, not here)."""

    form = LongRedirectForm
    list_display = ["readable_old_path", "new_path"]
    search_fields = ["old_path", "new_path"]
    fields = ["readable_old_path", "new_path"]
    readonly_fields = ["readable_old_path"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn(request, form)

    @admin.display(description=_("redirect from"))
    def readable_old_path(self, obj):
        return unquote(obj.old_path)


admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(redirects_admin.RedirectAdmin):
    form = RedirectForm
    fields = ["site", "old_path", "new_path"]
    # The form's own old_path, not the table's (200 characters): the admin would bind it again.
    exclude = ["old_path"]
    list_display = ["readable_old_path", "readable_new_path"]

    @admin.display(description=_("redirect from"), ordering="old_path")
    def readable_old_path(self, obj):
        return readable(obj.old_path)

    @admin.display(description=_("redirect to"), ordering="new_path")
    def readable_new_path(self, obj):
        return readable(obj.new_path)

    def get_changeform_initial_data(self, request):
        # This site, chosen already: editors never meet "This field is required" on a field
        # they have no reason to know.
        return {"site": get_current_site(request).pk} | super().get_changeform_initial_data(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn(request, form)

    def response_add(self, request, obj, post_url_continue=None):
        if not isinstance(obj, LongRedirect):
            return super().response_add(request, obj, post_url_continue)
        # The form kept it in the other table: say so, and show it where it is listed.
        self.message_user(
            request,
            _(
                "“%(old)s” is over %(max)d characters once percent-encoded, too long for the "
                "redirect table: it is kept under Long redirects, and redirects the same way."
            )
            % {"old": readable(obj.old_path), "max": MAX_PATH},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_longredirect_change", args=[obj.pk]))


class FlatPageForm(body_admin.BodyPhotosInReach, FlatpageForm):
    """A flat page's address, title, text and site. Not Django's "Template name": every flat
    page is drawn with our one template (articles/flat_pages.py), and another page's template
    answered an error page. Nor "Registration required": the site has no reader accounts,
    and the page sent readers to a login page that does not exist; only a page that already
    has it (older data) shows the box, so that it can be cleared. The text is sanitised on
    save (articles/signals.py), however it is written.

    The site: with one (the usual case) there is nothing to choose, and the page goes on it;
    with several, the current one is chosen beforehand on a new page."""

    # The story editor, with its photo, gallery, embed and other blocks; sanitised as a body.
    content = ProseEditorFormField(
        label=_("Content"), required=False, extensions=BODY_EXTENSIONS, sanitize=clean_html
    )

    class Meta(FlatpageForm.Meta):
        fields = ["url", "title", "content", "sites"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "registration_required" in self.fields:
            self.fields["registration_required"].help_text = _(
                "Only signed-in staff can open this page: readers, who have no accounts, are "
                "sent to a sign-in page. Clear it to let readers see the page. Once cleared, "
                "it cannot be set again."
            )
        sites = self.fields["sites"]
        found = list(sites.queryset[:2])
        if len(found) == 1:
            # Disabled: the value is this site whatever the browser sends.
            sites.disabled = True
            sites.widget = forms.MultipleHiddenInput()
            self.initial["sites"] = [found[0].pk]
        elif self.instance.pk is None:
            self.initial.setdefault("sites", [Site.objects.get_current().pk])


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class FlatPageAdmin(StorageFailureShownInForm, flatpages_admin.FlatPageAdmin):
    form = FlatPageForm
    list_filter = ["sites"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        fields = ["url", "title", "content", "sites"]
        if obj is not None and obj.registration_required:
            fields.append("registration_required")
        return [(None, {"fields": fields})]


@admin.register(SiteLink)
class SiteLinkAdmin(admin.ModelAdmin):
    """The top bar's and footer's links: where each leads, in which order."""

    list_display = ["text", "place", "leads_to", "position"]
    list_display_links = ["text"]
    list_editable = ["position"]
    list_filter = ["place"]
    ordering = ["-place", "position", "pk"]  # the top bar's first, as on the page
    fields = ["place", "page", "address", "label", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page")

    @admin.display(description=_("link"), ordering="label")
    def text(self, obj):
        return obj.text

    @admin.display(description=_("leads to"))
    def leads_to(self, obj):
        return obj.url


@admin.register(Front)
class FrontAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slot_count"]
    inlines = [SlotInline]

    class Media:
        css = {"all": ["css/admin_slots.css"]}
        js = ["js/admin_slots.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section").annotate(n=Count("slots"))

    @admin.display(description=_("slots"), ordering="n")
    def slot_count(self, obj):
        return obj.n

    def get_readonly_fields(self, request, obj=None):
        return ["section"] if obj is not None else []


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ["text", "link", "expires_at", "showing", "updated_at"]
    fields = ["text", "link", "expires_at"]
    formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}
    actions = ["end_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_showing()

    @admin.display(description=_("showing"), boolean=True, ordering="showing")
    def showing(self, obj):
        return obj.showing

    @admin.action(description=_("Take down now"), permissions=["change"])
    def end_now(self, request, queryset):
        now = timezone.now()
        count = 0
        for banner in queryset.filter(expires_at__gt=now):
            banner.expires_at = now
            banner.save()  # one by one: each save renews the pages showing it
            count += 1
        self.message_user(
            request,
            ngettext("Took down %d banner.", "Took down %d banners.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Label)
class LabelAdmin(MoveStoriesOnDelete, admin.ModelAdmin):
    list_display = ["name", "schema_type", "prominent", "order", "article_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


@admin.register(Section)
class SectionAdmin(MoveStoriesOnDelete, admin.ModelAdmin):
    list_display = ["name", "slug", "menu_order", "show_in_menu", "article_count"]
    list_editable = ["menu_order", "show_in_menu"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


# taggit's own admin edits its generic tag table, which articles do not use, and its merge
# view checks no permission: ours merges the tags on articles, for editors only.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_articles=Count("articles_taggedarticle_items"))
        )

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles

    @admin.action(description=_("Merge selected tags…"), permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        chosen = list(queryset.order_by("name"))
        if len(chosen) < 2:
            self.message_user(request, _("Select two or more tags to merge."), messages.WARNING)
            return None
        into = next((tag for tag in chosen if str(tag.pk) == request.POST.get("into")), None)
        if into is None:
            return TemplateResponse(
                request,
                "admin/taggit/tag/merge.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Merge tags"),
                    "opts": self.opts,
                    "tags": chosen,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        merged = tags.merge_tags(into, chosen)
        self.message_user(
            request,
            ngettext(
                "Merged %(count)d tag into “%(into)s”.",
                "Merged %(count)d tags into “%(into)s”.",
                merged,
            )
            % {"count": merged, "into": into.name},
            messages.SUCCESS,
        )
        return None


class StaffLoginChoice(forms.ModelChoiceField):
    """A login as colleagues know it: the username, then the full name."""

    def label_from_instance(self, obj):
        full_name = obj.get_full_name()
        return f"{obj.get_username()} — {full_name}" if full_name else obj.get_username()


class AuthorAdminForm(forms.ModelForm):
    """The staff login behind a byline is chosen from a plain list of the logins that sign in
    to the admin (active staff). Not an autocomplete: that asks the user admin, which editors
    may not open, and it answered them "The results could not be loaded"."""

    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "photo", "user"]
        field_classes = {"photo": images.PortraitUploadField, "user": StaffLoginChoice}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            # The login already behind the byline stays offered even if it no longer signs
            # in: saving the bio must not quietly untie them.
            staff = Q(is_staff=True, is_active=True) | Q(pk=self.instance.user_id)
            self.fields["user"].queryset = (
                get_user_model().objects.filter(staff).order_by("username")
            )


@admin.register(Author)
class AuthorAdmin(StorageFailureShownInForm, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "bio"]

    # Which staff login is behind a byline is for those who manage authors (editors).
    def get_list_display(self, request):
        if request.user.has_perm("articles.change_author"):
            return self.list_display
        return [name for name in self.list_display if name != "user"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.has_perm("articles.change_author"):
            return fields
        return [name for name in fields if name != "user"]

    def lookup_allowed(self, lookup, value, request=None):
        # ?user=2 named the byline of a login to whoever could not see the column.
        if lookup_field(self.model, lookup) == "user" and not (
            request and request.user.has_perm("articles.change_author")
        ):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Article)
class ArticleAdmin(StorageFailureShownInForm, DeskAdmin, ReadOnlyHistory, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "label",
        "status_label",
        "publish_at",
        "byline",
        "pending_comments",
    ]
    list_filter = ["status", "section", "label", "authors"]
    list_select_related = ["section", "label"]
    search_fields = ["headline"]
    date_hierarchy = "publish_at"
    readonly_fields = ["preview_link", "created_at", "updated_at", "live_desk"]
    raw_id_fields = ["lead_image"]
    actions = ["publish_now", "unpublish", "submit_for_review", "back_to_draft"]
    action_form = ArticleActionForm
    inlines = [NoticeInline, PreviewLinkInline]
    list_per_page = 50
    save_on_top = True
    formfield_overrides = {
        models.DateTimeField: {"widget": ZonedSplitDateTime},
        **tags.BOUNDED_TAGS,
    }

    class Media:
        css = {"all": ["css/admin_images.css", "css/admin_desk.css", "css/admin_blocks.css"]}
        js = ["js/admin_unsaved.js", "js/admin_image_chooser.js", "js/admin_tag_suggestions.js"]

    # The form's layout, given through get_fieldsets(): Django's static check refuses a
    # ``fieldsets`` naming "authors", a many-to-many through Byline, though the form renders
    # it with a field of its own (articles.bylines.form_field).
    layout = [
        # The lead photo, its alt text, caption and credit beside the headline and summary,
        # then the story: what readers see first is written together.
        (None, {"fields": ["kicker", "headline", "slug", "dek"]}),
        (
            _("Lead photo"),
            {
                "fields": [
                    "lead_image",
                    "featured_image",
                    "image_alt",
                    "image_caption",
                    "image_credit",
                ]
            },
        ),
        (_("Story"), {"fields": ["body"]}),
        (_("Placement"), {"fields": ["section", "label", "dateline", "tags", "authors"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "unpublish_at",
                    "comments_open",
                    "preview_link",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Search and social"),
            {
                "classes": ["collapse"],
                "fields": ["seo_title", "seo_description", "social_title", "social_description"],
            },
        ),
        (
            _("Live coverage"),
            {"fields": ["live_from", "live_until", "live_comments_open", "live_desk"]},
        ),
    ]

    def get_queryset(self, request):
        pending = Count("comments", filter=Q(comments__status="pending"))
        return (
            Article.objects.editable_by(request.user)
            .select_related("section", "lead_image")
            .prefetch_related(bylines.prefetch())
            .annotate(num_pending_comments=pending)
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == Slot._meta.model_name:
            # The autocomplete of a front's slots offers live articles only.
            live = Article.objects.published().values("pk")
            queryset = queryset.filter(pk__in=live).order_by("-publish_at", "-id")
        return queryset, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and obj is not None:
            # Every photo it shows, the lead and those inside the body, whose rights ended.
            expired = Image.objects.rights_expired().filter(
                Q(lead_for=obj) | Q(body_uses__article=obj)
            )
            for photo in expired.distinct():
                self.message_user(request, rights_warning(photo), messages.WARNING)
        if (
            request.method == "GET"
            and obj is not None
            and obj.status == Article.Status.REVIEW
            and not can_publish(request.user)
        ):
            self.message_user(
                request,
                _(
                    "In review: an editor is reading this version, so it is read-only. To "
                    "change it, select it in the list and choose “Back to draft”."
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        # The body editor's helpers (articles/body_admin.py), before the object URLs.
        return [
            path(
                "embed-check/",
                self.admin_site.admin_view(body_admin.embed_check),
                name="articles_article_embed_check",
            ),
            path(
                "related-search/",
                self.admin_site.admin_view(body_admin.related_search),
                name="articles_article_related_search",
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.layout
        if not self.read_only(request, obj):
            return fieldsets
        # Read-only: the body as readers see it, not its HTML source.
        return self.shown_read_only(
            [
                (
                    name,
                    {
                        **options,
                        "fields": ["body_as_read" if f == "body" else f for f in options["fields"]],
                    },
                )
                for name, options in fieldsets
            ]
        )

    def get_prepopulated_fields(self, request, obj=None):
        # Not the attribute: simple-history's page of a past version reads that one, for a
        # form whose fields are all read only (newsroom.history_admin).
        return {"slug": ["headline"]}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields.append("publish_at")
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            return bylines.form_field(self.admin_site, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_image":
            # Only a photo this user may see can be chosen, whatever id the browser sends.
            kwargs["queryset"] = Image.objects.visible_to(request.user)
            kwargs["widget"] = LibraryImageChooser(
                db_field.remote_field, self.admin_site, request.user, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request.user):
            kwargs["choices"] = [
                choice for choice in Article.Status.choices if choice[0] != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        profile = getattr(request.user, "author_profile", None)
        if profile is not None:
            initial.setdefault("authors", [profile.pk])
        return initial

    def has_view_permission(self, request, obj=None):
        # Object-level, so every view that asks (history, versions, view on site) applies
        # the same rule as the change form and the preview.
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or obj.can_be_opened_by(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_publish(request.user):
            return True
        # A reporter edits their own drafts. Once submitted, the piece the editor reviews is
        # the piece that runs: "Back to draft" takes it out of review to change it again.
        return obj.status == Article.Status.DRAFT and obj.can_be_opened_by(request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.can_be_opened_by(request.user)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if {"featured_image", "lead_image"} & set(form.changed_data) and obj.lead_image_id:
            self.warn_about_small_image(request, obj.lead_image)

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
            for link_form in formset.forms:
                if not link_form.instance.pk:
                    link_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def warn_about_small_image(self, request, photo):
        if photo.width and photo.width < images.LEAD_MIN_WIDTH:
            self.message_user(
                request,
                _(
                    "The image is only %(width)s px wide. It will look soft as the lead story "
                    "on the home page, which needs at least %(minimum)s px."
                )
                % {"width": photo.width, "minimum": f"{images.LEAD_MIN_WIDTH:,}"},
                messages.WARNING,
            )

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else self._preview_url(obj)

    @staticmethod
    def _preview_url(obj):
        return reverse("articles:preview", kwargs={"pk": obj.pk})

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        """What readers get: a published piece before its time is scheduled, after its
        unpublish time taken down."""
        if obj.status == Article.Status.PUBLISHED and not obj.is_published():
            if obj.unpublish_at is not None and obj.unpublish_at <= timezone.now():
                return _("Taken down")
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("authors"))
    def byline(self, obj):
        return ", ".join(author.name for author in bylines.ordered(obj))

    @admin.display(description=_("pending comments"), ordering="num_pending_comments")
    def pending_comments(self, obj):
        return obj.num_pending_comments

    @admin.display(description=_("body"))
    def body_as_read(self, obj):
        body = diff.blocks_named(obj.body)  # sanitised on save; its blocks named
        return mark_safe(f'<div class="body-as-read">{body}</div>')

    @admin.display(description=_("live desk"))
    def live_desk(self, obj):
        if obj.pk is None or obj.live_from is None:
            return _("Set a start time and save: the live desk posts entries from then on.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_liveentry_desk", args=[obj.pk]),
            _("Open the live desk: post and edit entries"),
        )

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Save the article to preview it.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            self._preview_url(obj),
            _("Preview as readers will see it"),
        )

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        listed_at = parse_datetime(request.POST.get("listed_at", ""))
        count = 0
        for article in queryset:
            if listed_at is not None and article.updated_at > listed_at:
                self.refuse_changed_since_listed(request, article)
                continue
            article.status = Article.Status.PUBLISHED
            if article.publish_at is None or article.publish_at > now:
                article.publish_at = now
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("Published %d article.", "Published %d articles.", count) % count,
            messages.SUCCESS if count else messages.WARNING,
        )

    def refuse_changed_since_listed(self, request, article):
        latest = article.history.select_related("history_user").first()
        who = latest.history_user if latest and latest.history_user else _("someone")
        self.message_user(
            request,
            format_html(
                _(
                    "Not published: “{headline}” was changed by {who} at {when}, after this "
                    'list was loaded. <a href="{history}">See what changed</a>, then publish '
                    "the version you have read."
                ),
                headline=article.headline,
                who=who,
                when=timezone.localtime(article.updated_at).strftime("%H:%M:%S"),
                history=reverse("admin:articles_article_history", args=[article.pk]),
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = self.move(queryset, Article.Status.PUBLISHED, Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext("Unpublished %d article.", "Unpublished %d articles.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = self.move(queryset, Article.Status.DRAFT, Article.Status.REVIEW)
        self.message_user(
            request,
            ngettext("Submitted %d article for review.", "Submitted %d articles for review.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Back to draft (out of review)"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        count = self.move(queryset, Article.Status.REVIEW, Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%d article is a draft again.", "%d articles are drafts again.", count)
            % count,
            messages.SUCCESS,
        )

    @staticmethod
    def move(queryset, old, new):
        """Each selected article in status `old` moves to `new`, saved one by one so that
        history, search, images and caches follow; returns how many moved."""
        count = 0
        for article in queryset.filter(status=old):
            article.status = new
            article.save()
            count += 1
        return count

    def get_deleted_objects(self, objs, request):
        """What a delete removes, in editors' words: the articles, their readers' comments
        and view counts; tags and authors are only unlinked."""
        _nested, _count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        # Whoever may delete an article may delete what belongs only to it (its readers'
        # comments), as in every CMS; Django would ask for each related model's right.
        perms_needed = set()
        collector = NestedObjects(using=router.db_for_write(Article))
        collector.collect(objs)
        unlinked = {TaggedArticle, Article.authors.through}
        articles = [
            format_html(
                '{}: <a href="{}">{}</a>',
                _("Article"),
                reverse("admin:articles_article_change", args=[article.pk]),
                article.headline,
            )
            for article in objs
        ]
        also = {
            (
                model._meta.verbose_name if len(instances) == 1 else model._meta.verbose_name_plural
            ): len(instances)
            for model, instances in collector.model_objs.items()
            if model is not Article and model not in unlinked and instances
        }
        summary = {Article._meta.verbose_name_plural: len(articles), **also}
        lines = [*articles]
        if also:
            lines.append(
                _("Also deleted: %s.")
                % ", ".join(f"{count} {name}" for name, count in also.items())
            )
        if any(collector.model_objs.get(model) for model in unlinked):
            lines.append(
                _("Their tags and authors are only unlinked: they stay, with their pages.")
            )
        return lines, summary, perms_needed, protected
