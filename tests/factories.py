import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from hub.models import Account, Repository
from hubmod.actors import Actor
from hubmod.staff.roles import APPEAL_REVIEWER, HUB_ADMIN, MODERATOR
from hubmod.staff.services import roles_sync
from moderation.services.cases import case_claim, case_for_report
from moderation.services.decisions import Ground, case_decide


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


# Domain state arranged through the services, the way the app itself makes it: a case as a filed
# report opens one, claimed and decided as a moderator does.
DECISION_STATEMENT = "The weights copy the work."


def open_case(repository=None, *, category: str = "other"):
    """The open case a report about `repository` (a new one by default) lands in."""
    return case_for_report(repository=repository or RepositoryFactory(), account=None, category=category).case


def claimed_case(user, *, category: str = "other"):
    """An open case, claimed by `user` (left open when `user` is None)."""
    case = open_case(category=category)
    if user is not None:
        case_claim(case_id=case.pk, actor=Actor.staff(user))
        case.refresh_from_db()
    return case


def decided_case(user, *, category: str = "other", actions=("delist",), ground: str = "harmful-use"):
    """A case `user` claimed and decided with `actions` on a policy section; returns the decision."""
    case = claimed_case(user, category=category)
    return case_decide(case_id=case.pk, actor=Actor.staff(user), actions=list(actions),
                       ground=Ground(policy_section=ground), intent="deliberate", statement=DECISION_STATEMENT,
                       departure_reason="Test.")  # fmt: skip
