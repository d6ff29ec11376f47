from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Callee, CalleeList, Campaign, SmsTemplate
from campaigns.studio import roles

DEMO_USER, DEMO_PASSWORD = "demo", "demo-calls-2026"  # the operator, in the admin
# Marketing staff in the studio: not admin staff, each in the group of their role.
STUDIO_USERS = [("editor", "editor-calls-2026", "Erin", roles.EDITORS, "campaign editor: builds campaigns"),
                ("approver", "approver-calls-2026", "Alex", roles.APPROVERS, "campaign approver: also launches them")]
DEMO_CALLEES = [
    ("8613800000001", "Tom", "12.50"),
    ("8613800000002", "Anna", "8.00"),
    ("8613800000003", "Li Wei", "30.25"),
    ("6591234567", "Priya", "4.75"),
    ("447911123456", "Sam", "19.99"),
]


class Command(BaseCommand):
    help = ("Create the demo logins (an operator, a campaign editor and a campaign approver), a small callee list, "
            "an SMS template and a draft campaign (idempotent).")

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USER, defaults={"is_staff": True, "email": "demo@example.com"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="campaigns"))
        callee_list, _ = CalleeList.objects.get_or_create(
            name="Demo customers", defaults={"description": "Five sample numbers for trying the product."},
        )
        for number, name, amount in DEMO_CALLEES:
            Callee.objects.get_or_create(callee_list=callee_list, number=number,
                                         defaults={"text1": name, "text2": amount})
        template, _ = SmsTemplate.objects.get_or_create(
            name="Payment reminder SMS",
            defaults={"sms_app_id": "demoSms1", "sender_id": "DemoShop",
                      "content": "Hi ${text1}, your balance of ${text2} is due. Reply STOP to opt out."},
        )
        Campaign.objects.get_or_create(
            task_name="Demo payment reminder",
            defaults={
                "app_id": "demoApp1", "callee_list": callee_list, "source": Campaign.Source.TEXT_TO_SPEECH,
                "tts_text": "Hello, this is a friendly reminder that your payment is due.",
                "language": "EN", "loop_count": 2, "max_call_seconds": 60, "hang_up_sms": 1,
                "sms_template": template, "sms_on_success": 1, "sms_success_delay_seconds": 10,
                "calling_windows": [{"start": "09:00", "end": "21:00"}], "created_by": user,
            },
        )
        self.stdout.write(self.style.SUCCESS("Studio logins (marketing staff):"))
        for username, password, first_name, group, what in STUDIO_USERS:
            self.studio_user(username, password, first_name, group)
            self.stdout.write(self.style.SUCCESS(f"  {username} / {password}   ({what})"))
        self.stdout.write(self.style.SUCCESS(f"Admin login (operators): {DEMO_USER} / {DEMO_PASSWORD}"))

    def studio_user(self, username, password, first_name, group_name):
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(f"The group {group_name!r} is missing: migration 0009_studio_roles creates it "
                               "(or create it in the admin).") from None
        user, created = get_user_model().objects.get_or_create(username=username, defaults={
            "first_name": first_name, "last_name": "Demo", "email": f"{username}@example.com"})
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(group)
