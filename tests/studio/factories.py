"""Studio users: people in the groups of the studio's roles, never admin staff unless asked."""
import importlib

import factory
from django.apps import apps
from django.contrib.auth.models import Group, User

from campaigns.studio import roles

PASSWORD = "calls-2026-studio"
ROLES = importlib.import_module("campaigns.migrations.0009_studio_roles")


def role_groups():
    """The groups migration 0008 makes; made again when a transactional test has emptied the tables since."""
    if Group.objects.filter(name__in=(roles.EDITORS, roles.APPROVERS)).count() < 2:
        ROLES.create_roles(apps, None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def group(user, create, extracted, **kwargs):
        if extracted:
            role_groups()
            user.groups.add(Group.objects.get(name=extracted))


def editor(**kwargs):
    return UserFactory(group=roles.EDITORS, **kwargs)


def approver(**kwargs):
    return UserFactory(group=roles.APPROVERS, **kwargs)
