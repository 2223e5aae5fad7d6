"""Permission policies shared by the admin of every app."""

from wagtail.permission_policies import ModelPermissionPolicy


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
