"""Permission checks and policies shared by every app."""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.internals import permissions_loaded
from core.models import ActivityEntry


def user_holds_any(user, *permissions: str) -> bool:
    """Whether the active ``user`` is a superuser or holds one of ``permissions`` ("app.codename")
    directly or through a group. Where the user's permissions are loaded already (the admin loads
    them for its menus), read from them; else one query, where ``user.has_perm`` would load them
    all in two (the check-in API with a staff session)."""
    if not user.is_active:  # AnonymousUser too
        return False
    if user.is_superuser:
        return True
    if permissions_loaded(user):
        return any(user.has_perm(permission) for permission in permissions)
    wanted = Q()
    for permission in permissions:
        app_label, codename = permission.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(Q(user=user) | Q(group__user=user), wanted).exists()


def require_permission(user, permission: str) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission`` ("app.codename")."""
    if not user.has_perm(permission):
        raise PermissionDenied


class RestrictedPermissionPolicy(ModelPermissionPolicy):
    """The model's permissions, less the ``denied`` actions: those that go through the services
    only (a booking is decided by its service), or never happen (a log row is not edited).
    Every other action is the model's permission, as Wagtail checks it."""

    def __init__(self, model, *, denied=("add", "delete"), **kwargs):
        super().__init__(model, **kwargs)
        self.denied = frozenset(denied)

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.denied])


#: The actions a read-only model (a log, a build record) denies to everyone.
READ_ONLY = ("add", "change", "delete")


def read_only_policy(model) -> RestrictedPermissionPolicy:
    """The policy of a model that people only read: views and exports, no add, edit or delete."""
    return RestrictedPermissionPolicy(model, denied=READ_ONLY)


#: The activity log is read, filtered and exported: nobody adds, edits or deletes an entry.
ACTIVITY_LOG_POLICY = read_only_policy(ActivityEntry)
register_permission_policy(ActivityEntry, ACTIVITY_LOG_POLICY, exact_class=True)
