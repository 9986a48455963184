import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from hub.models import Account, Repository
from hubmod.staff.roles import APPEAL_REVIEWER, HUB_ADMIN, MODERATOR
from hubmod.staff.services import roles_sync


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ["handle"]

    handle = factory.Sequence(lambda n: f"uploader{n}")
    email = factory.LazyAttribute(lambda a: f"{a.handle}@uploaders.example")


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    owner = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"model-{n}")
    kind = Repository.Kind.MODEL
    license_key = "apache-2.0"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            if not Group.objects.filter(name=extracted).exists():
                roles_sync()
            self.groups.add(Group.objects.get(name=extracted))


def moderator(**kwargs):
    return UserFactory(role=MODERATOR, **kwargs)


def appeal_reviewer(**kwargs):
    return UserFactory(role=APPEAL_REVIEWER, **kwargs)


def hub_admin(**kwargs):
    return UserFactory(role=HUB_ADMIN, **kwargs)
