"""Who may do what in the studio. Roles are read from permissions, so the groups made by migration
0009_studio_roles and any an administrator sets up by hand work alike."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

EDITORS, APPROVERS = "Campaign editors", "Campaign approvers"
BUILD = "campaigns.change_campaign"  # what every studio role can do: lists, imports, campaigns
LAUNCH = "campaigns.submit_campaign"  # launch and call again; approvers only (they also cancel)


@dataclass(frozen=True)
class Role:
    name: str
    can: str


EDITOR = Role("Campaign editor", "import lists and build campaigns; an approver launches them")
APPROVER = Role("Campaign approver", "import lists, build campaigns, and launch, cancel and call them again")


def role_of(user) -> Role | None:
    if user.has_perm(LAUNCH) and user.has_perm(BUILD):
        return APPROVER
    if user.has_perm(BUILD):
        return EDITOR
    return None


def launchers(limit: int = 10) -> tuple[list[str], int]:
    """The names of up to `limit` active people given the launch permission (superusers aside), and how many more."""
    app_label, codename = LAUNCH.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    users = (get_user_model().objects.filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission),
                                             is_active=True).distinct().order_by("first_name", "last_name", "username"))
    names = [user.get_full_name() or user.get_username() for user in users[:limit]]
    return names, (users.count() - limit if len(names) == limit else 0)
