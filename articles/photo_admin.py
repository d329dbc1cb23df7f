"""The photo library in the admin: a grid of thumbnails to search and filter, each photo with
the articles that use it; and the chooser the article form opens to pick or upload one.

Who sees what follows the articles' rule: editors see every photo and every use; a reporter
sees their own uploads, the photos of the articles they may open and the ones readers can see
already, and never learns the headline of a colleague's unpublished piece.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.db.models import Count, F, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.storage import StorageFailureShownInForm

from . import body_admin, images, kept_uploads, tags
from .models import PUBLISH_PERMISSION, Article, Image


def manages_library(user):
    """Editors manage every photo; everyone else changes only their own uploads."""
    return user.has_perm(PUBLISH_PERMISSION)


def may_change(image, user):
    """Editors change any photo. Anyone else changes their own upload while only their own
    drafts show it: the file, caption or alt text of a photo in a story under review,
    scheduled or live is what the editors passed, as the story's text is."""
    if manages_library(user):
        return True
    if image.uploaded_by_id != user.pk:
        return False
    if image.page_uses.exists():  # on a flat page: public, as a live story's photo
        return False
    uses = Article.objects.filter(Q(lead_image=image) | Q(body_image_uses__image=image))
    own_drafts = Article.objects.editable_by(user).filter(status=Article.Status.DRAFT)
    return not uses.exclude(pk__in=own_drafts.values("pk")).exists()


def used_in(image, user):
    """The articles using ``image`` that ``user`` may know of (their own, or published, or
    all for editors), and how many others use it."""
    uses = Article.objects.filter(Q(lead_image=image) | Q(body_image_uses__image=image)).distinct()
    known = uses.filter(
        Q(pk__in=Article.objects.editable_by(user).values("pk"))
        | Q(pk__in=Article.objects.published().values("pk"))
    ).only("headline", "slug", "status", "publish_at")
    known = list(known.order_by("-publish_at", "-pk"))
    return known, uses.count() - len(known)


def article_link(article, user):
    if article.can_be_opened_by(user):
        url = reverse("admin:articles_article_change", args=[article.pk])
    else:
        url = article.get_absolute_url()
    return format_html('<a href="{}">{}</a>', url, article.headline)


def page_links(image, user):
    """The flat pages showing ``image`` (public, so anyone may know of them): to the page's
    form for those who edit pages, else to the page."""
    links = []
    for use in image.page_uses.select_related("page").order_by("page__url"):
        page = use.page
        if user.has_perm("flatpages.change_flatpage"):
            url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
        else:
            url = page.url
        links.append(format_html('{}: <a href="{}">{}</a>', _("Flat page"), url, page.title))
    return links


def others_note(count):
    return ngettext(
        "%(count)d unpublished article you cannot open",
        "%(count)d unpublished articles you cannot open",
        count,
    ) % {"count": count}


def rights_warning(image):
    return _(
        "Our rights to the photo “%(title)s” ended on %(date)s: replace it, or check the "
        "licence and change its “usable until” date in the library."
    ) % {"title": image.title, "date": date_format(image.usable_until, "DATE_FORMAT")}


class LibraryImageChooser(ForeignKeyRawIdWidget):
    """The article form's lead photo: its thumbnail, and a link that opens the library in a
    popup to search, pick or upload one (Django's related-lookup popup, so it works from the
    keyboard: the link is focusable, each photo in the popup is a link that returns its id).
    """

    # Widgets render through the form renderer, which reads Django's and the apps' templates:
    # this one lives in articles/templates/.
    template_name = "articles/widgets/image_chooser.html"

    def __init__(self, rel, admin_site, user, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.user = user

    def label_and_url_for_value(self, value):
        # Only a photo the user may see gets its title shown back.
        image = self.chosen(value)
        if image is None:
            return "", ""
        return image.title, reverse("admin:articles_image_change", args=[image.pk])

    def chosen(self, value):
        try:
            return Image.objects.visible_to(self.user).filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        image = self.chosen(value) if value else None
        context["image"] = image
        if image is not None:
            context["thumbnail"] = images.thumbnail_url(image)
            context["rights_expired"] = image.rights_expired()
        context["choose_label"] = _("Choose or upload a photo")
        context["card_url"] = reverse("admin:articles_image_card", args=[0])
        return context


class RightsFilter(admin.SimpleListFilter):
    title = _("rights")
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [("expired", _("Expired")), ("usable", _("Usable"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.rights_expired(today)
        if self.value() == "usable":
            return queryset.filter(Q(usable_until__isnull=True) | Q(usable_until__gte=today))
        return queryset


class ImageAdminForm(kept_uploads.KeepsUpload, forms.ModelForm):
    """A chosen file outlives the form's errors (a bad date, alt text missing): it is kept
    and saved with the corrected form (articles/kept_uploads.py)."""

    kept_field = "file"
    kept_notice = _("Photo kept: %(name)s — it will be saved with the form.")
    user = None  # set per request by ImageAdmin.get_form

    class Meta:
        model = Image
        fields = [
            "file",
            "focal_x",
            "focal_y",
            "title",
            "alt",
            "caption",
            "credit",
            "copyright",
            "usable_until",
            "tags",
        ]
        field_classes = {"file": images.ImageUploadField}
        # Its "Currently" link opens a private file through the library's private view.
        widgets = {"file": kept_uploads.KeptImageInput}
        # Said as the article form says it for a new lead photo.
        error_messages = {"alt": {"required": _("Describe the image: alt text is required.")}}


@admin.register(Image)
class ImageAdmin(StorageFailureShownInForm, admin.ModelAdmin):
    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "title",
        "credit",
        "uploaded_by",
        "uploaded_at",
        "rights",
        "use_count",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        "uploaded_at",
        RightsFilter,
    ]
    search_fields = ["title", "caption", "credit", "alt", "tags__name"]
    formfield_overrides = tags.BOUNDED_TAGS
    list_per_page = 60
    readonly_fields = ["preview", "size", "uploader", "uploaded_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "file",
                    "preview",
                    ("focal_x", "focal_y"),
                    "title",
                    "alt",
                    "caption",
                    "credit",
                    "tags",
                ]
            },
        ),
        (_("Rights"), {"fields": ["copyright", "usable_until"]}),
        (_("Upload"), {"fields": ["size", "uploader", "uploaded_at"]}),
    ]
    change_form_template = "admin/articles/image/change_form.html"

    class Media:
        css = {"all": ["css/admin_images.css"]}
        js = ["js/admin_focal_point.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_queryset(self, request):
        return (
            Image.objects.visible_to(request.user)
            .select_related("uploaded_by")
            .annotate(
                # Articles showing it: as their lead, or inside a body whose lead it is not
                # (one article using it both ways counts once); then flat pages.
                num_articles=Count("lead_for", distinct=True)
                + Count(
                    "body_uses__article",
                    filter=~Q(body_uses__article__lead_image=F("pk")),
                    distinct=True,
                ),
                num_pages=Count("page_uses", distinct=True),
                num_uses=F("num_articles") + F("num_pages"),
            )
        )

    def get_urls(self):
        # The body editor's thumbnail of a photo block (articles/body_admin.py).
        card = self.admin_site.admin_view(body_admin.photo_card)
        return [path("<int:pk>/card/", card, name="articles_image_card"), *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_change(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or manages_library(request.user) or obj.uploaded_by_id == request.user.pk

    @admin.display(description=_("uploaded by"))
    def uploader(self, obj):
        # A name, not Django's link to the login's page, which editors may not open.
        return obj.uploaded_by or "-"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            known, others = used_in(obj, request.user)
            extra_context["used_in"] = [
                *(article_link(article, request.user) for article in known),
                *page_links(obj, request.user),
            ]
            extra_context["used_elsewhere"] = others_note(others) if others else ""
            if request.method == "GET" and obj.rights_expired():
                self.message_user(request, rights_warning(obj), messages.WARNING)
            if (
                request.method == "GET"
                and obj.uploaded_by_id == request.user.pk
                and not may_change(obj, request.user)
            ):
                self.message_user(
                    request,
                    _(
                        "A story in review, scheduled or published shows this photo: ask an "
                        "editor to change it."
                    ),
                    messages.INFO,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        """A photo in use is not deleted: the page lists where it is used instead (the
        articles the user may know of by name, a count of the others)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = []
            for image in objs:
                known, others = used_in(image, request.user)
                for article in known:
                    protected.append(
                        format_html("{}: {}", _("Used in"), article_link(article, request.user))
                    )
                if others:
                    protected.append(format_html("{}: {}", _("Used in"), others_note(others)))
                for link in page_links(image, request.user):
                    protected.append(format_html("{}: {}", _("Used in"), link))
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="{}" loading="lazy">',
            images.thumbnail_url(obj),
            obj.alt,
        )

    @admin.display(description=_("rights"), ordering="usable_until")
    def rights(self, obj):
        if obj.usable_until is None:
            return "—"
        if obj.rights_expired():
            return format_html(
                '<strong class="rights-expired">{}</strong>',
                _("Expired %(date)s") % {"date": date_format(obj.usable_until, "DATE_FORMAT")},
            )
        return _("Until %(date)s") % {"date": date_format(obj.usable_until, "DATE_FORMAT")}

    @admin.display(description=_("used in"), ordering="num_uses")
    def use_count(self, obj):
        articles = ngettext("%d article", "%d articles", obj.num_articles) % obj.num_articles
        if not obj.num_pages:
            return articles
        pages = ngettext("%d flat page", "%d flat pages", obj.num_pages) % obj.num_pages
        return f"{articles}, {pages}"

    @admin.display(description=_("current image"))
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        # static/js/admin_focal_point.js: a click on the image sets the focal point fields.
        # A rendition of the whole image, not the original, which may be many megabytes.
        shown = images.picture(obj, "original")
        return format_html(
            '<span class="focal-picker" data-focal-picker><img src="{}" alt="{}" width="{}" '
            'height="{}"><span class="focal-picker__marker" hidden></span></span>',
            shown.src if shown else images.file_url(obj, obj.file.name),
            obj.alt,
            obj.width or "",
            obj.height or "",
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        if not obj.width:
            return "—"
        return f"{obj.width} × {obj.height} px"
