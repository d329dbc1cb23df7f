"""The article admin's part of the desk: presence (who else has the form open), taking an
article over, autosave and its restore, comparing and restoring revisions. Mixed into
ArticleAdmin."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from newsroom.widgets import ValidAutocomplete

from .. import extensions, search, tags
from ..models import PUBLISH_PERMISSION, Article
from . import (
    autosave,
    duplicate,
    history,
    notifications,
    overview,
    presence,
    revisions,
)
from .conflicts import version_token
from .models import ReviewNote, StaffLanguage

# How long a "may open this article" answer is reused by the poll: the poll then costs the
# database only the session and the user, whatever the article.
ACCESS_SECONDS = 60
# How many revisions back the comparison looks, by default, for one that differs.
LOOK_BACK = 20


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_lazy("Note to the reporter"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_lazy("What to change before it can run. Emailed to them and shown on the form."),
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if "\x00" in note:
            raise forms.ValidationError(_lazy("The note contains a NUL character."))
        if not note:
            raise forms.ValidationError(_lazy("Write a note: say what to change."))
        return note


class DeskAdmin:
    object_history_template = "admin/articles/article/object_history.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return history.ChangesInWords(self.model, historical_record)

    def get_urls(self):
        def view(func, name):
            return path(
                f"<path:object_id>/desk/{name}/",
                self.admin_site.admin_view(func),
                name=f"articles_article_desk_{name.replace('-', '_')}",
            )

        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.desk_overview_view),
                name="articles_desk_overview",
            ),
            path(
                "desk/tag-suggestions/",
                self.admin_site.admin_view(self.desk_tag_suggestions_view),
                name="articles_article_desk_tag_suggestions",
            ),
            path(
                "new/desk/autosave/",
                self.admin_site.admin_view(self.desk_autosave_new_view),
                name="articles_article_desk_autosave_new",
            ),
            path(
                "new/desk/discard/",
                self.admin_site.admin_view(self.desk_discard_new_view),
                name="articles_article_desk_discard_new",
            ),
            view(self.desk_presence_view, "presence"),
            view(self.desk_leave_view, "leave"),
            view(self.desk_take_over_view, "take-over"),
            view(self.desk_autosave_view, "autosave"),
            view(self.desk_discard_view, "discard"),
            view(self.desk_send_back_view, "send-back"),
            view(self.desk_duplicate_view, "duplicate"),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.desk_compare_view),
                name="articles_article_desk_compare",
            ),
            path(
                "<path:object_id>/history/<str:version_id>/restore/",
                self.admin_site.admin_view(self.desk_restore_view),
                name="articles_article_desk_restore",
            ),
            *super().get_urls(),
        ]

    def _desk_article_pk(self, request, object_id):
        """The article's pk when this user may edit it, else 404 (never a hint it exists)."""
        try:
            pk = int(unquote(object_id))
        except (TypeError, ValueError):
            raise Http404 from None
        key = f"desk:may:{pk}:{request.user.pk}"
        if cache.get(key):
            return pk
        obj = Article.objects.filter(pk=pk).only("pk", "status", "created_by").first()
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        cache.set(key, True, ACCESS_SECONDS)
        return pk

    def desk_presence_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = request.POST.get("desk_version", "")[:64]
        return JsonResponse(presence.beat(pk, request.user, version=version).as_json())

    def desk_leave_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        presence.leave(pk, request.user)
        return JsonResponse({"left": True})

    def desk_take_over_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(PUBLISH_PERMISSION):
            return JsonResponse({"error": _("Only editors can take over an article.")}, status=403)
        return JsonResponse(presence.take_over(pk, request.user).as_json())

    def desk_overview_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("What needs you now"),
            "opts": self.opts,
            "desk": overview.for_user(request.user),
            "parts": extensions.overview_parts(request),
        }
        return TemplateResponse(request, "admin/desk/overview.html", context)

    # The list as a desk uses it: found through the full-text index (headline, summary,
    # body, tags, section) and by author, sorted and filtered by last change.
    def get_search_results(self, request, queryset, search_term):
        query = search.parse(search_term)
        if not query:
            return super().get_search_results(request, queryset, search_term)
        mine = Article.objects.editable_by(request.user)
        hits = search.Results(query, mine, snippets=False)[: search.MAX_RESULTS]
        by_author = mine.filter(authors__name__icontains=search_term.strip()).values("pk")
        found = Q(pk__in=[hit.article.pk for hit in hits]) | Q(pk__in=by_author)
        return queryset.filter(found), False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "tags" and field is not None:
            # Suggestions while typing (static/js/admin_tag_suggestions.js).
            field.widget.attrs.update(
                {
                    "data-tag-suggestions": reverse("admin:articles_article_desk_tag_suggestions"),
                    "data-label-suggestions": _("Tag suggestions"),
                    "autocomplete": "off",
                }
            )
        return field

    def get_list_display(self, request):
        return [*super().get_list_display(request), "updated_at"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ("updated_at", DateFieldListFilter)]

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), "authors"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            fields.append("unpublish_at")  # taking a story down is an editor's decision
        return fields

    def _desk_article(self, request, object_id, change=False):
        """The article, read in full, when this user may open it (or change it), else 404."""
        try:
            pk = int(unquote(object_id))
        except (TypeError, ValueError):
            raise Http404 from None
        obj = Article.objects.filter(pk=pk).first()
        allowed = self.has_change_permission if change else self.has_view_permission
        if obj is None or not allowed(request, obj):
            raise Http404
        return obj

    def desk_autosave_view(self, request, object_id):
        obj = self._desk_article(request, object_id, change=True)
        return self._keep_autosave(request, obj, request.POST.get("desk_version", ""))

    def desk_discard_view(self, request, object_id):
        obj = self._desk_article(request, object_id, change=True)
        return self._discard_autosave(
            request, obj, reverse("admin:articles_article_change", args=[obj.pk])
        )

    # A new article's form keeps its text the same way, with no article yet.
    def desk_autosave_new_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._keep_autosave(request, None, "")

    def desk_discard_new_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._discard_autosave(request, None, reverse("admin:articles_article_add"))

    def _keep_autosave(self, request, article, based_on):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            data = autosave.clean(request.POST)
        except autosave.Refused as refused:
            return JsonResponse({"error": str(refused)}, status=400)
        autosave.keep(article, request.user, data, based_on)
        # The newsroom's clock, as everywhere in the admin, not the writer's computer's.
        return JsonResponse({"saved": True, "time": f"{timezone.localtime():%H:%M:%S}"})

    def _discard_autosave(self, request, article, then):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        autosave.discard(article, request.user)
        self.message_user(request, _("Your autosaved text was discarded."), messages.SUCCESS)
        return HttpResponseRedirect(then)

    def desk_tag_suggestions_view(self, request):
        """Tag names for the article form's tag field, among those the writer may know of."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        names = tags.suggestions(request.user, request.GET.get("q", ""))
        return JsonResponse({"results": names})

    def desk_send_back_view(self, request, object_id):
        obj = self._desk_article(request, object_id)
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        if obj.status != Article.Status.REVIEW:
            self.message_user(
                request, _("Only a piece in review can be sent back."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        form = SendBackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                obj.status = Article.Status.DRAFT
                obj._history_user = request.user
                obj._change_reason = _("Sent back with a note")
                obj.save()
                note = ReviewNote.objects.create(
                    article=obj, written_by=request.user, text=form.cleaned_data["note"]
                )
                notifications.sent_back(obj, note, request.user)
            self.message_user(
                request, _("Sent back to the reporter with your note."), messages.SUCCESS
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send back with a note: %s") % obj.headline,
            "opts": self.opts,
            "original": obj,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/desk/send_back.html", context, status=400 if form.errors else 200
        )

    def desk_duplicate_view(self, request, object_id):
        source = self._desk_article(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        copy = duplicate.as_draft(source, request.user)
        self.message_user(
            request,
            _("A new draft copied from “%(headline)s”: change it, then save.")
            % {"headline": source.headline},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[copy.pk]))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method != "GET" or "desk_restore" not in request.GET:
            return form
        kept = autosave.offered(obj, request.user)  # obj None: a new article's
        if kept is None:
            return form

        class Restored(form):
            # The autosaved text in the fields, and the version it was written on: saving
            # it over a newer version is refused like any older form.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(autosave.restorable(kept, request.user))
                    self.initial["desk_version"] = kept.based_on

        return Restored

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            # Saved without a change: nothing is written, so the story's "Updated" time,
            # its history and its version (a colleague's open form) stay as they were.
            autosave.discard(obj, request.user)
            return
        # The row now, its byline in save_related(): one revision of both, written there.
        revisions.begin(obj)
        super().save_model(request, obj, form, change)
        if change:  # colleagues with it open on an older version are told on their next poll
            version, when = version_token(obj.updated_at), obj.updated_at
            transaction.on_commit(lambda: presence.saved(obj.pk, request.user, version, when))
        # The rolling draft ends with a real save (a new article's, with its first).
        autosave.discard(obj if change else None, request.user)
        if change and not self.has_change_permission(request, obj):
            # Sent for review: the writer may no longer change it, so they no longer hold it
            # (their tab's own "leave" is refused now, and colleagues saw them for minutes).
            cache.delete(f"desk:may:{obj.pk}:{request.user.pk}")
            presence.leave(obj.pk, request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.finish(form.instance)

    def desk_compare_view(self, request, object_id):
        obj = self._desk_article(request, object_id)
        records = list(obj.history.select_related("history_user").order_by("-history_date"))
        by_id = {str(record.history_id): record for record in records}
        asked = "a" in request.GET or "b" in request.GET
        older = by_id.get(request.GET.get("a", ""))
        newer = by_id.get(request.GET.get("b", ""))
        if asked and (older is None or newer is None):
            self.message_user(request, _("Choose two revisions of this article."), messages.ERROR)
            older = newer = None
        elif not asked and len(records) >= 2:
            older, newer = history.last_change(records, LOOK_BACK)  # the last change
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions: %s") % obj.headline,
            "opts": self.opts,
            "original": obj,
            "choices": [(str(r.history_id), history.label(r)) for r in records],
            "older": older,
            "newer": newer,
            "diffs": history.compare(older, newer) if older and newer else None,
            "may_restore": self.has_change_permission(request, obj),
            # A revision naming nobody is restored without emptying the byline: said here.
            "older_keeps_byline": older is not None and history.keeps_byline(obj, older),
            "newer_keeps_byline": newer is not None and history.keeps_byline(obj, newer),
        }
        return TemplateResponse(request, "admin/desk/compare.html", context)

    def desk_restore_view(self, request, object_id, version_id):
        obj = self._desk_article(request, object_id)
        record = (
            obj.history.filter(history_id=version_id).first()
            if version_id.isascii() and version_id.isdigit()
            else None
        )
        if record is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, obj):
            self.message_user(
                request,
                _("You cannot change this article, so you cannot restore one of its revisions."),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_article_desk_compare", args=[obj.pk])
            )
        restored = history.restore(obj, record, request.user)
        self.message_user(
            request,
            _("Restored the revision of %(when)s as a new revision. Status unchanged.")
            % {"when": history.label(record)},
            messages.SUCCESS,
        )
        if restored.skipped:
            self.message_user(
                request,
                _("Not restored, no longer available: %s.") % ", ".join(restored.skipped),
                messages.WARNING,
            )
        if restored.byline_kept:
            self.message_user(request, history.BYLINE_KEPT, messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            kept = None
            if request.method == "GET" and "desk_restore" not in request.GET:
                kept = autosave.offered(obj, request.user)
            context["desk"] = {
                "review_notes": (
                    list(obj.review_notes.filter(is_open=True).select_related("written_by")[:3])
                    if obj.status == Article.Status.DRAFT
                    else []
                ),
                "duplicate_url": (
                    reverse("admin:articles_article_desk_duplicate", args=[obj.pk])
                    if self.has_add_permission(request)
                    else None
                ),
                "send_back_url": (
                    reverse("admin:articles_article_desk_send_back", args=[obj.pk])
                    if obj.status == Article.Status.REVIEW
                    and request.user.has_perm(PUBLISH_PERMISSION)
                    else None
                ),
                "autosave": kept,
                "autosave_diffs": (
                    autosave.differences(obj, kept, request.user) if kept is not None else None
                ),
                "autosave_lost_upload": kept is not None and autosave.loses_an_upload(kept),
                "autosave_seconds": autosave.SECONDS,
                "autosave_url": reverse("admin:articles_article_desk_autosave", args=[obj.pk]),
                "discard_url": reverse("admin:articles_article_desk_discard", args=[obj.pk]),
                "state": presence.beat(obj.pk, request.user),
                "poll_seconds": presence.POLL_SECONDS,
                "may_take_over": request.user.has_perm(PUBLISH_PERMISSION),
                "presence_url": reverse("admin:articles_article_desk_presence", args=[obj.pk]),
                "leave_url": reverse("admin:articles_article_desk_leave", args=[obj.pk]),
                "take_over_url": reverse("admin:articles_article_desk_take_over", args=[obj.pk]),
            }
        elif add and self.has_add_permission(request):
            kept = None
            if request.method == "GET" and "desk_restore" not in request.GET:
                kept = autosave.offered(None, request.user)
            context["desk"] = {
                "autosave": kept,
                "autosave_diffs": (
                    autosave.differences(None, kept, request.user) if kept else None
                ),
                "autosave_lost_upload": kept is not None and autosave.loses_an_upload(kept),
                "autosave_seconds": autosave.SECONDS,
                "autosave_url": reverse("admin:articles_article_desk_autosave_new"),
                "discard_url": reverse("admin:articles_article_desk_discard_new"),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)


class StaffLanguageForm(forms.ModelForm):
    language = forms.ChoiceField(label=_lazy("language"), choices=settings.LANGUAGES)

    class Meta:
        model = StaffLanguage
        fields = ["user", "language"]


@admin.register(StaffLanguage)
class StaffLanguageAdmin(ValidAutocomplete, admin.ModelAdmin):
    """The language each staff member's desk emails are written in (administrators)."""

    form = StaffLanguageForm
    list_display = ["user", "language"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
