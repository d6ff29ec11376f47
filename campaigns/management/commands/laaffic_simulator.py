"""Run a local stand-in for Laaffic's voice API."""
from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET
from campaigns.simulator import Simulator


class Command(BaseCommand):
    help = ("Serve a local Laaffic simulator until Ctrl-C. Point LAAFFIC_API_URL at the "
            "printed address to send campaigns to it instead of Laaffic.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--api-key", default=settings.LAAFFIC_API_KEY or DOC_API_KEY)
        parser.add_argument("--api-secret",
                            default=settings.LAAFFIC_API_SECRET or DOC_API_SECRET)
        parser.add_argument("--time-zone", default=settings.LAAFFIC_TIME_ZONE)
        parser.add_argument("--call-seconds", type=float, default=20.0,
                            help="Seconds from a task's start to its last call.")
        parser.add_argument("--push-url",
                            help="POST each ended call's status report to this URL.")
        parser.add_argument("--push-batch", type=int, default=1,
                            help="Send up to this many reports per push, as a JSON array "
                                 "(1 sends one object per push).")
        parser.add_argument("--seed", type=int, default=0,
                            help="Changes which calls are answered, busy, and so on.")

    def handle(self, *args, **options):
        simulator = Simulator(port=options["port"], api_key=options["api_key"],
                              api_secret=options["api_secret"],
                              time_zone=options["time_zone"],
                              call_seconds=options["call_seconds"],
                              push_url=options["push_url"],
                              push_batch=options["push_batch"],
                              seed=options["seed"]).start()
        pushing = f" Pushing call reports to {options['push_url']}." if options["push_url"] else ""
        self.stdout.write(f"Laaffic simulator at {simulator.base_url} "
                          f"(API key {options['api_key']}).{pushing} Press Ctrl-C to stop.")
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Laaffic simulator stopped.")
