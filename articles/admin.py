from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import images
from .models import Article, Author, Section

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


class ArticleAdminForm(forms.ModelForm):
    """Server-side guard: whatever the browser sends, only editors publish or schedule."""

    user = None  # set per request by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "tags",
            "authors",
            "featured_image",
            "image_alt",
            "image_caption",
            "image_credit",
            "focal_x",
            "focal_y",
            "status",
            "publish_at",
            "comments_open",
        ]
        field_classes = {"featured_image": images.ImageUploadField}

    def clean(self):
        cleaned = super().clean()
        if self.user is not None and not can_publish(self.user):
            if cleaned.get("status") == Article.Status.PUBLISHED:
                self.add_error("status", _("Only editors can publish or schedule articles."))
            if "publish_at" in self.changed_data:
                self.add_error(None, _("Only editors can set the publish time."))
        return cleaned


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "menu_order", "show_in_menu", "article_count"]
    list_editable = ["menu_order", "show_in_menu"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="num_articles")
    def article_count(self, obj):
        return obj.num_articles


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "photo", "user"]
        field_classes = {"photo": images.ImageUploadField}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "bio"]
    autocomplete_fields = ["user"]

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


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "status_label",
        "publish_at",
        "byline",
        "pending_comments",
        "is_published",
    ]
    list_filter = ["status", "section", "authors"]
    list_select_related = ["section"]
    search_fields = ["headline"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    filter_horizontal = ["authors"]
    readonly_fields = ["image_preview", "preview_link", "created_at", "updated_at"]
    actions = ["publish_now", "unpublish", "submit_for_review"]
    list_per_page = 50
    save_on_top = True

    class Media:
        css = {"all": ["css/admin_images.css"]}
        js = ["js/admin_focal_point.js"]

    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (_("Placement"), {"fields": ["section", "tags", "authors"]}),
        (
            _("Featured image"),
            {
                "fields": [
                    "featured_image",
                    "image_preview",
                    ("focal_x", "focal_y"),
                    "image_alt",
                    "image_caption",
                    "image_credit",
                ]
            },
        ),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "comments_open",
                    "preview_link",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        pending = Count("comments", filter=Q(comments__status="pending"))
        return (
            Article.objects.editable_by(request.user)
            .select_related("section")
            .prefetch_related("authors")
            .annotate(num_pending_comments=pending)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields.append("publish_at")
        return fields

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

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_publish(request.user):
            return True
        # A reporter edits their own unpublished work; live or scheduled pieces belong to editors.
        return obj.status != Article.Status.PUBLISHED and obj.is_owned_by(request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or can_publish(request.user) or obj.is_owned_by(request.user)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if "featured_image" in form.changed_data and obj.featured_image:
            self.warn_about_small_image(request, obj)

    def warn_about_small_image(self, request, obj):
        if obj.image_width and obj.image_width < images.LEAD_MIN_WIDTH:
            self.message_user(
                request,
                _(
                    "The image is only %(width)s px wide. It will look soft as the lead story "
                    "on the home page, which needs at least %(minimum)s px."
                )
                % {"width": obj.image_width, "minimum": f"{images.LEAD_MIN_WIDTH:,}"},
                messages.WARNING,
            )

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else self._preview_url(obj)

    @staticmethod
    def _preview_url(obj):
        return reverse("articles:preview", kwargs={"pk": obj.pk})

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and not obj.is_published():
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("authors"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    @admin.display(description=_("pending comments"), ordering="num_pending_comments")
    def pending_comments(self, obj):
        return obj.num_pending_comments

    @admin.display(description=_("current image"))
    def image_preview(self, obj):
        if not obj.featured_image:
            return "—"
        # static/js/admin_focal_point.js: a click on the image sets the focal point fields.
        # A rendition of the whole image, not the original, which may be many megabytes.
        shown = images.picture(obj, "original")
        return format_html(
            '<span class="focal-picker" data-focal-picker><img src="{}" alt="{}" width="{}" '
            'height="{}"><span class="focal-picker__marker" hidden></span></span>',
            shown.src if shown else obj.featured_image.url,
            obj.image_alt,
            obj.image_width or "",
            obj.image_height or "",
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
        count = 0
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            if article.publish_at is None or article.publish_at > now:
                article.publish_at = now
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("Published %d article.", "Published %d articles.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("Unpublished %d article.", "Unpublished %d articles.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.DRAFT):
            article.status = Article.Status.REVIEW
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("Submitted %d article for review.", "Submitted %d articles for review.", count)
            % count,
            messages.SUCCESS,
        )
