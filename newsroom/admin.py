"""Users in the admin (Django's user admin, one rule added): a role is given so the user can
work in the admin, and only staff sign in there. Saved with a role, or as a superuser, a user
becomes staff, and the admin says so; anyone else keeps the "Staff status" that was set."""

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from .roles import roles_of

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    def save_related(self, request, form, formsets, change):
        # After the groups are saved: they come with the form's many-to-many fields.
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.is_staff:
            return
        roles = roles_of(user)
        if not roles and not user.is_superuser:
            return
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        if roles:
            message = _(
                "“%(user)s” is now staff (“Staff status” ticked): a user with a role "
                "(%(roles)s) needs it to sign in to the admin."
            )
        else:
            message = _(
                "“%(user)s” is now staff (“Staff status” ticked): a superuser needs it to "
                "sign in to the admin."
            )
        names = {"user": user.get_username(), "roles": ", ".join(roles)}
        self.message_user(request, message % names, messages.INFO)
