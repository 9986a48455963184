from django.core.management.base import BaseCommand

from hub.models import HubKey


class Command(BaseCommand):
    help = "Create a hub integration key and print it once; only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("name", help="A name for the key, e.g. the hub's environment.")

    def handle(self, *args, name: str, **options):
        _, key = HubKey.objects.create_key(name=name[:50])
        self.stdout.write(key)
