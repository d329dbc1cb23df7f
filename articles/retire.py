"""Deleting a section or label that stories still carry: the stories are moved first.

Django refuses such a delete outright (the stories protect it) and lists every story in
the way. As WordPress does for a category, the delete page instead asks where the stories
go (another section; another label or none) and then moves them and deletes it in one
transaction. A section's old page and feed then lead to the section its stories went to.

A whole section's stories change place at once: their pages, the lists they leave and join
and their neighbours' Next/Previous links. Such a move is rare, and the whole site is
renewed (newsroom.cache.renew with no key) rather than every one of those keys.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from newsroom.cache import renew

from . import redirects, search
from .models import Article, Section


class MoveForm(forms.Form):
    move_to = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Move its stories to"))

    def __init__(self, *args, doomed, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        field.queryset = type(doomed).objects.exclude(pk=doomed.pk).order_by("name")
        if type(doomed) is Section:
            field.empty_label = _("Choose a section")
        else:  # a label is optional: "none" is a place too
            field.required = False
            field.empty_label = _("No label (plain news)")


def move_and_delete(doomed, target):
    """Every story carrying ``doomed`` (a Section or a Label) gets ``target`` instead (a label
    may be None), then ``doomed`` is deleted. Returns how many stories moved."""
    field = "section" if isinstance(doomed, Section) else "label"
    with transaction.atomic():
        stories = list(Article.objects.filter(**{field: doomed}).values_list("pk", flat=True))
        moved = Article.objects.filter(pk__in=stories).update(**{field: target})
        # Search reads a story's section and label names: found by the new ones now.
        search.reindex(Article.objects.filter(pk__in=stories))
        old_slug = doomed.slug
        doomed.delete()
        if field == "section":
            redirects.list_moved(Section, old_slug, target.slug)
        renew()  # now and again after the commit (newsroom.cache.renew)
    return moved


def moved_message(name, moved, target):
    if isinstance(target, Section):
        text = ngettext(
            "“%(name)s” was deleted; its %(count)d story is now in “%(target)s”.",
            "“%(name)s” was deleted; its %(count)d stories are now in “%(target)s”.",
            moved,
        )
    elif target is None:
        text = ngettext(
            "“%(name)s” was deleted; its %(count)d story now has no label.",
            "“%(name)s” was deleted; its %(count)d stories now have no label.",
            moved,
        )
    else:
        text = ngettext(
            "“%(name)s” was deleted; its %(count)d story now has “%(target)s”.",
            "“%(name)s” was deleted; its %(count)d stories now have “%(target)s”.",
            moved,
        )
    return text % {"name": name, "count": moved, "target": target}


class MoveStoriesOnDelete:
    """A ModelAdmin mixin (Section, Label): the delete page of one that stories still carry
    asks where they go instead of refusing."""

    def delete_view(self, request, object_id, extra_context=None):
        doomed = self.get_object(request, unquote(object_id))
        if doomed is None or not self.has_delete_permission(request, doomed):
            return super().delete_view(request, object_id, extra_context)
        field = "section" if isinstance(doomed, Section) else "label"
        stories = Article.objects.filter(**{field: doomed})
        count = stories.count()
        if not count:
            return super().delete_view(request, object_id, extra_context)
        form = MoveForm(request.POST if request.method == "POST" else None, doomed=doomed)
        if field == "section" and not form.fields["move_to"].queryset.exists():
            form = None  # nowhere to go: the page says to add a section first
        elif form.is_valid():
            target = form.cleaned_data["move_to"]
            name = str(doomed)
            try:
                with transaction.atomic():
                    self.log_deletions(request, type(doomed).objects.filter(pk=doomed.pk))
                    moved = move_and_delete(doomed, target)
            except ProtectedError:  # a story was put in it between the move and the delete
                self.message_user(
                    request, _("A story was just given it: try again."), messages.ERROR
                )
                return redirect(request.get_full_path())
            self.message_user(request, moved_message(name, moved, target), messages.SUCCESS)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        not_live = Article.objects.not_live().filter(**{field: doomed}).count()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete “%(name)s”") % {"name": doomed},
            "opts": self.opts,
            "object": doomed,
            "form": form,
            "count": count,
            "not_live": not_live,
            **(extra_context or {}),
        }
        status = 400 if request.method == "POST" else 200  # not moved: said on the page
        return TemplateResponse(
            request, "admin/articles/move_and_delete.html", context, status=status
        )
