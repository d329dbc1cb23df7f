"""Live entries in the admin: the live desk (post without leaving the page, see colleagues'
entries arrive), and each entry's change form, deletion and revision history.

Who may do what is one rule, ``articles.live.can_post()``: editors on every live article,
reporters on the live articles carrying their byline. Everyone else is told an entry or a
desk does not exist.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newsroom.history_admin import ReadOnlyHistory

from ..body_admin import BodyPhotosInReach
from ..desk.conflicts import RefusesStaleSave
from ..models import PUBLISH_PERMISSION, Article, LiveEntry
from . import NEW_LIMIT, bylines_for, can_post, postable_articles

DESK_ENTRIES = 30


class LiveEntryForm(BodyPhotosInReach, forms.ModelForm):
    """A new entry, as the live desk posts it. The author is one the user may credit
    (``articles.live.bylines_for()``), whatever the browser sends."""

    class Meta:
        model = LiveEntry
        fields = ["headline", "body", "author", "pinned", "key_event", "correction"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.user = user
        if self.user is not None and "author" in self.fields:
            field = self.fields["author"]
            field.queryset = bylines_for(self.user, self.instance)
            if not self.user.has_perm(PUBLISH_PERMISSION):
                field.error_messages["invalid_choice"] = _(
                    "You can post only under your own byline: an editor credits colleagues."
                )

    def clean(self):
        cleaned = super().clean()
        if "body" in self.errors:  # the text was refused for itself (a photo): said already
            return cleaned
        body = cleaned.get("body") or ""
        text = cleaned.get("headline", "").strip() or strip_tags(body).strip()
        if not text and "<figure" not in body:  # a photo or an embed may stand alone
            raise forms.ValidationError(_("Write the update: a headline or some text."))
        return cleaned


class LiveEntryChangeForm(RefusesStaleSave, LiveEntryForm):
    """An entry's own change form: saved over a colleague's later save of the same entry only
    knowingly (the article form's conflict check, articles/desk/conflicts.py)."""


class LiveEntryAddForm(LiveEntryForm):
    """The plain add form (the desk is the quick way): the article is one the user may
    post on, whatever the browser sends."""

    class Meta(LiveEntryForm.Meta):
        fields = ["article", *LiveEntryForm.Meta.fields]


def _article_of(entry):
    """The entry's article (read once, then kept on the entry), None once deleted: an
    entry's history outlives both."""
    try:
        return entry.article
    except Article.DoesNotExist:
        return None


@admin.register(LiveEntry)
class LiveEntryAdmin(ReadOnlyHistory, SimpleHistoryAdmin):
    # The history of a deleted entry is kept; only those who may post on its article see
    # it (newsroom.history_admin: has_view_permission below, on its last record).
    form = LiveEntryChangeForm
    list_display = [
        "__str__",
        "article",
        "posted_at",
        "author",
        "pinned",
        "key_event",
        "correction",
    ]
    list_filter = ["pinned", "key_event", "correction"]
    list_select_related = ["article", "author"]
    search_fields = ["headline"]
    readonly_fields = ["desk_link", "posted_at"]
    list_per_page = 50

    class Media:
        # The body editor's blocks and toolbar, as on the article form.
        css = {"all": ["css/admin_blocks.css", "css/admin_live.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LiveEntryAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request):
        # The poster's own byline, as on the desk.
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", getattr(request.user, "author_profile", None))
        return initial

    def get_fields(self, request, obj=None):
        fields = list(LiveEntryForm.Meta.fields)
        return ["article", *fields] if obj is None else ["desk_link", "posted_at", *fields]

    def get_queryset(self, request):
        articles = postable_articles(request.user)
        return super().get_queryset(request).filter(article__in=articles.values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = postable_articles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or can_post(request.user, _article_of(obj))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_post(request.user, _article_of(obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or can_post(request.user, _article_of(obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if obj.author_id is None:
                obj.author = getattr(request.user, "author_profile", None)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("live desk"))
    def desk_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_liveentry_desk", args=[obj.article_id]),
            _("Back to the live desk of “%(headline)s”") % {"headline": obj.article.headline},
        )

    def changelist_view(self, request, extra_context=None):
        desks = postable_articles(request.user).order_by("-live_from")[:20]
        return super().changelist_view(request, {**(extra_context or {}), "desks": desks})

    def get_urls(self):
        return [
            path(
                "desk/<int:article_pk>/",
                self.admin_site.admin_view(self.desk_view),
                name="articles_liveentry_desk",
            ),
            path(
                "desk/<int:article_pk>/entries/",
                self.admin_site.admin_view(self.desk_entries),
                name="articles_liveentry_desk_entries",
            ),
            *super().get_urls(),
        ]

    def desk_article(self, request, article_pk):
        article = Article.objects.filter(pk=article_pk).first()
        if not can_post(request.user, article):
            raise Http404  # a colleague's piece does not exist for this user
        return article

    def desk_view(self, request, article_pk):
        """The live desk: the entry form and the latest entries. The form posts with fetch
        (articles/live/admin.py answers JSON) and stays on the page; without JavaScript it
        posts normally and comes back here."""
        article = self.desk_article(request, article_pk)
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        form = LiveEntryForm(
            request.POST or None,
            initial={"author": getattr(request.user, "author_profile", None)},
            user=request.user,
        )
        if request.method == "POST":
            if not form.is_valid():
                if wants_json:
                    return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            else:
                entry = form.save(commit=False)
                entry.article = article
                entry.created_by = request.user
                if entry.author_id is None:
                    entry.author = getattr(request.user, "author_profile", None)
                entry.save()
                if wants_json:
                    return JsonResponse(
                        {"id": entry.pk, "html": self.entry_html(request, entry)}, status=201
                    )
                messages.success(request, _("Posted."))
                return redirect("admin:articles_liveentry_desk", article.pk)
        elif request.method != "GET":
            raise PermissionDenied
        entries = list(article.live_entries.select_related("author")[:DESK_ENTRIES])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Live desk: %(headline)s") % {"headline": article.headline},
            "article": article,
            "form": form,
            "media": self.media + form.media,
            "entries": entries,
            "latest": max((entry.pk for entry in entries), default=0),
            "state": article.live_state(),
        }
        return TemplateResponse(
            request,
            "admin/articles/liveentry/desk.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def desk_entries(self, request, article_pk):
        """``?after=<id>``: the entries posted since, by anyone, rendered for the desk."""
        article = self.desk_article(request, article_pk)
        after = request.GET.get("after", "0")
        if not after.isascii() or not after.isdigit() or len(after) > 18:
            return JsonResponse({"error": _("“after” must be an entry number.")}, status=400)
        entries = list(
            article.live_entries.select_related("author")
            .filter(id__gt=int(after))
            .order_by("id")[:NEW_LIMIT]
        )
        response = JsonResponse(
            {"entries": [{"id": e.pk, "html": self.entry_html(request, e)} for e in entries]}
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def entry_html(request, entry):
        return render_to_string(
            "admin/articles/liveentry/desk_entry.html", {"entry": entry}, request=request
        )
