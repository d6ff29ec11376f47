"""What several admins share."""


class ReadOnlyMixin:
    """Records of what happened (attempts, imports, calls): shown, never added or edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
