"""The studio's two roles as groups: campaign editors build, campaign approvers also launch.

The permission lists are this migration's own (a migration is history); the studio reads roles from
permissions (campaigns/studio/roles.py), so groups an administrator makes by hand work the same.
"""
from django.db import migrations

EDITORS, APPROVERS = "Campaign editors", "Campaign approvers"
EDITOR_PERMISSIONS = {
    # Lists and their imports, SMS templates, recordings and campaigns: built, never deleted, by editors.
    **{model: ("add", "change", "view")
       for model in ("calleelist", "callee", "importjob", "smstemplate", "voicefile", "campaign")},
    # What came of a campaign, and the do-not-call numbers its lists are checked against.
    "callrecord": ("view",), "submission": ("view",), "suppressednumber": ("view",),
}
CAMPAIGN_PERMISSIONS = {"fetch_call_results": "Can fetch call results from Laaffic",  # spends nothing
                        "submit_campaign": "Can submit campaigns to Laaffic (spends money)",  # and call again
                        "cancel_campaign": "Can cancel running campaigns on Laaffic"}
EDITOR_EXTRA, APPROVER_EXTRA = ("fetch_call_results",), ("submit_campaign", "cancel_campaign")


def permission(apps, model, codename, name):
    """The permission, created here when migrate has not yet (on a new database it makes them after)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="campaigns", model=model)
    return apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name})[0]


def create_roles(apps, schema_editor):
    editor = [permission(apps, model, f"{action}_{model}",
                         f"Can {action} {apps.get_model('campaigns', model)._meta.verbose_name_raw}")
              for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    editor += [permission(apps, "campaign", codename, CAMPAIGN_PERMISSIONS[codename]) for codename in EDITOR_EXTRA]
    approver = editor + [permission(apps, "campaign", codename, CAMPAIGN_PERMISSIONS[codename])
                         for codename in APPROVER_EXTRA]
    Group = apps.get_model("auth", "Group")
    for name, granted in ((EDITORS, editor), (APPROVERS, approver)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*granted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=(EDITORS, APPROVERS)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0008_contract_table"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
