from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Exists, F, OuterRef, Value, When
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import PUBLISH_PERMISSION, Article
from newsroom.admin_filters import lookup_field

from . import moderation
from .models import MODERATE_PERMISSION, Comment

NOT_PUBLISHED = _("(article not published)")
# What is known about a commenter beyond the name they publish: for moderators only.
PERSONAL_FIELDS = ["email", "ip_hash", "user_agent"]


def sees_every_article(user):
    """Editors see every article, drafts included; anyone else only what readers see."""
    return user.has_perm(PUBLISH_PERMISSION)


# decision -> (what does it, button label, the status it leads to)
DECISIONS = {
    "approve": (moderation.approve, _("Approve"), Comment.Status.APPROVED),
    "reject": (moderation.reject, _("Reject"), Comment.Status.REJECTED),
    "spam": (moderation.mark_spam, _("Spam"), Comment.Status.SPAM),
}


class SpamSignalsFilter(admin.SimpleListFilter):
    title = _("spam signals")
    parameter_name = "signals"

    def lookups(self, request, model_admin):
        return [("yes", _("Held or binned by a rule")), ("no", _("None"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(spam_signals="")
        if self.value() == "no":
            return queryset.filter(spam_signals="")
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on what waits; "All statuses" is one click away."""

    title = _("status")
    parameter_name = "status__exact"
    default = Comment.Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.everything, _("All statuses"))]

    @classmethod
    def status_asked(cls, params):
        """The status the address asks for: a known one, else the default."""
        value = params.get(cls.parameter_name)
        return value if value in {*Comment.Status.values, cls.everything} else cls.default

    def chosen(self):
        return self.status_asked({self.parameter_name: self.value()})

    def queryset(self, request, queryset):
        chosen = self.chosen()
        return queryset if chosen == self.everything else queryset.filter(status=chosen)

    def choices(self, changelist):
        chosen = self.chosen()
        for value, label in self.lookup_choices:
            yield {
                "selected": value == chosen,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class ArticleFilter(admin.SimpleListFilter):
    """Articles that have comments. A headline is offered only when it is public, or to
    someone who may see every article; the rest are one neutral choice."""

    title = _("article")
    parameter_name = "article__id__exact"
    not_published = "unpublished"

    def lookups(self, request, model_admin):
        commented = Article.objects.filter(pk__in=Comment.objects.values("article_id"))
        if not sees_every_article(request.user):
            choices = [
                (str(pk), headline)
                for pk, headline in commented.published()
                .order_by("headline")
                .values_list("pk", "headline")
            ]
            return [*choices, (self.not_published, NOT_PUBLISHED)]
        return [
            (str(pk), headline)
            for pk, headline in commented.order_by("headline").values_list("pk", "headline")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.not_published:
            return queryset.exclude(article__in=Article.objects.published())
        if value in {choice for choice, _label in self.lookup_choices}:
            return queryset.filter(article_id=int(value))
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: opens on pending comments, oldest first; one-click decisions,
    bulk actions. Headlines of articles that are not live are for editors only; the
    commenter's email, address hash and browser for moderators only."""

    list_display = [
        "excerpt_column",
        "status_label",
        "author_column",
        "article_column",
        "spam_signals",
        "created_at",
    ]
    list_display_links = ["excerpt_column"]
    list_filter = [StatusFilter, SpamSignalsFilter, ArticleFilter]
    list_select_related = ["article"]
    search_fields = ["name", "email", "body"]
    ordering = ["-created_at", "-id"]
    oldest_first = ["created_at", "id"]
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam"]
    list_per_page = 50
    fields = [
        "status",
        "article_column",
        "parent",
        "name",
        "email",
        "website",
        "body_text",
        "spam_signals",
        "notify_replies",
        "created_at",
        "ip_hash",
        "user_agent",
    ]
    readonly_fields = [name for name in fields if name != "status"]

    class Media:
        css = {"all": ["comments/admin.css"]}
        js = ["comments/queue.js"]

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            # The buttons next to the status, where no moderator has to scroll for them.
            return [*self.list_display[:2], "moderation_buttons", *self.list_display[2:]]
        return ["name" if column == "author_column" else column for column in self.list_display]

    def get_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.fields
        return [name for name in self.fields if name not in PERSONAL_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return ["status", *self.readonly_fields]

    def lookup_allowed(self, lookup, value, request=None):
        # ?email__startswith=a spelled out an address, a letter at a time, to those who may
        # not see it (editors): the personal fields filter nothing for them.
        if lookup_field(self.model, lookup) in PERSONAL_FIELDS and not (
            request and self.has_moderate_permission(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        if self.has_moderate_permission(request):
            return self.search_fields
        return [name for name in self.search_fields if name not in PERSONAL_FIELDS]

    def get_ordering(self, request):
        # What waits is worked through in the order it came; history reads newest first.
        pending = StatusFilter.status_asked(request.GET) == Comment.Status.PENDING
        return self.oldest_first if pending else self.ordering

    def get_queryset(self, request):
        # Whether each article is live, and the name it may be shown under to this user,
        # decided once here for the list and the change page alike.
        live = Exists(Article.objects.published().filter(pk=OuterRef("article_id")))
        if sees_every_article(request.user):
            label = F("article__headline")
        else:
            label = Case(
                When(live, then=F("article__headline")),
                default=Value(str(NOT_PUBLISHED)),
                output_field=CharField(),
            )
        return super().get_queryset(request).annotate(article_live=live, article_label=label)

    def view_on_site(self, obj):
        # Also asked by /admin/r/ (newsroom.views.view_on_site) with a plain Comment.
        return obj.get_absolute_url() if obj.article.is_published() else None

    def get_urls(self):
        moderate = path(
            "<int:object_id>/moderate/",
            self.admin_site.admin_view(self.moderate_view),
            name="comments_comment_moderate",
        )
        return [moderate, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # comments come from readers

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    def save_model(self, request, obj, form, change):
        # Only the status is editable here, and it changes through comments.moderation.
        if change and "status" in form.changed_data:
            decided = obj.status
            obj.status = form.initial["status"]
            moderation.set_status(obj, decided, request=request)

    def moderate_view(self, request, object_id):
        """One click on a row's Approve / Reject / Spam button (a POST with the CSRF token)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=object_id)
        if request.POST.get("decision") not in DECISIONS:
            return HttpResponseBadRequest(_("Unknown decision."), content_type="text/plain")
        decide, _label, status = DECISIONS[request.POST["decision"]]
        if decide(comment, request=request):
            self.log_change(request, comment, _("Status set to %s.") % status.label)
        self.message_user(
            request,
            _("Comment by %(name)s: %(status)s.") % {"name": comment.name, "status": status.label},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._back_to_list(request))

    def _back_to_list(self, request):
        """The queue as the moderator left it (filters, search, page), else the plain list."""
        referer = request.headers.get("Referer", "")
        changelist = reverse("admin:comments_comment_changelist")
        if (
            url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            and changelist in referer
        ):
            return referer
        return changelist

    def _decide_all(self, request, queryset, decision):
        decide, _label, status = DECISIONS[decision]
        count = 0
        for comment in queryset.select_related("article"):
            if decide(comment, request=request):
                self.log_change(request, comment, _("Status set to %s.") % status.label)
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d comment marked %(status)s.",
                "%(count)d comments marked %(status)s.",
                count,
            )
            % {"count": count, "status": status.label.lower()},
            messages.SUCCESS,
        )

    @admin.display(description=_("comment"))
    def excerpt_column(self, obj):
        return obj.excerpt()

    @admin.display(description=_("name and email"), ordering="name")
    def author_column(self, obj):
        return format_html('{}<br><span class="comment-email">{}</span>', obj.name, obj.email)

    @admin.display(description=_("article"))
    def article_column(self, obj):
        if obj.article_live:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.article_label)
        return obj.article_label

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return format_html(
            '<span class="comment-status comment-status--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("comment"))
    def body_text(self, obj):
        return mark_safe(linebreaks(obj.body, autoescape=True))  # escaped by linebreaks

    @admin.display(description=_("moderate"))
    def moderation_buttons(self, obj):
        url = reverse("admin:comments_comment_moderate", args=[obj.pk])
        return format_html_join(
            " ",
            '<button type="submit" class="button comment-decision comment-decision--{0}" '
            'formaction="{1}" formmethod="post" name="decision" value="{0}" '
            'aria-label="{2}: {3}">{2}</button>',
            [
                (decision, url, label, obj.name)
                for decision, (_decide, label, status) in DECISIONS.items()
                if status != obj.status
            ],
        )

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._decide_all(request, queryset, "approve")

    @admin.action(description=_("Reject selected comments"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._decide_all(request, queryset, "reject")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_selected_as_spam(self, request, queryset):
        self._decide_all(request, queryset, "spam")
