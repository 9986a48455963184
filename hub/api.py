"""The hub's catalogue API: the hub syncs its accounts and repositories in (API.md)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import (
    HANDLE_PATTERN,
    Account,
    BaseModelLink,
    Repository,
    ScanVerdict,
    handle_validator,
    scan_verdict_worst,
)
from hub.selectors import repository_get
from hub.services import BaseModelRef, FileRef, account_sync, namespace_refusal, repository_sync
from hubmod.api import IsHub, validated
from hubmod.auth import actor_for

SHA256_PATTERN = r"^[0-9a-f]{64}$"
REPO_ID_PATTERN = rf"^{HANDLE_PATTERN}/{HANDLE_PATTERN}$"


class AccountSyncApi(APIView):
    permission_classes = [IsHub]

    class InputSerializer(serializers.Serializer):
        hub_id = serializers.RegexField(
            r"^[\x21-\x7e]{1,128}$",
            required=False,
            help_text="The hub's own stable id for the account: the same handle with another id is another person.",
            error_messages={"invalid": "Use 1 to 128 printable ASCII characters, no spaces."},
        )
        display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        language = serializers.CharField(
            max_length=16,
            required=False,
            allow_blank=True,
            help_text="The account's language, a BCP 47 tag such as 'de'. Notices use it; English when unsupported.",
        )

    class OutputSerializer(serializers.ModelSerializer):
        namespace = serializers.ChoiceField(
            choices=["free", "reserved"],
            help_text="reserved: the handle is held for the person the hub first synced it for; refuse it to this one.",
        )

        class Meta:
            model = Account
            fields = ["handle", "hub_id", "display_name", "email", "standing", "namespace"]

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 201: OutputSerializer})
    def put(self, request, handle: str):
        _validate_handle(handle, "handle")
        data = validated(self.InputSerializer, request.data)
        if namespace_refusal(handle=handle, hub_id=data.get("hub_id")) is not None:
            # Kept as it was: what hubmod holds under the handle is the first person's.
            account = Account.objects.get(handle=handle)
            return Response(self.OutputSerializer({**_fields(account), "namespace": "reserved"}).data)
        account, created = account_sync(actor=actor_for(request), handle=handle, **data)
        return Response(
            self.OutputSerializer({**_fields(account), "namespace": "free"}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _fields(account: Account) -> dict[str, Any]:
    return {name: getattr(account, name) for name in ("handle", "hub_id", "display_name", "email", "standing")}


class BaseModelSerializer(serializers.Serializer):
    repo_id = serializers.RegexField(REPO_ID_PATTERN, max_length=200, error_messages={"invalid": "Use 'owner/name'."})
    relation = serializers.ChoiceField(choices=BaseModelLink.Relation.choices)


class FileSerializer(serializers.Serializer):
    path = serializers.CharField(max_length=1024)
    sha256 = serializers.RegexField(SHA256_PATTERN, error_messages={"invalid": "Use 64 lowercase hex digits."})
    size = serializers.IntegerField(min_value=0, max_value=2**63 - 1)
    url = serializers.URLField(
        max_length=2000, required=False, help_text="Where hubmod may download the file to scan it (http or https)."
    )

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Give an http or https address.")
        return value

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # `url` is optional both ways: a file the hub gave none has none.
        data = super().to_representation(instance)
        if not data.get("url"):
            data.pop("url", None)
        return data


class RepositoryOutputSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.handle")
    license = serializers.CharField(source="license_key")
    base_models = serializers.SerializerMethodField()
    files = FileSerializer(many=True)

    class Meta:
        model = Repository
        fields = [
            "owner",
            "name",
            "kind",
            "revision",
            "license",
            "card",
            "visibility",
            "gated",
            "base_models",
            "files",
            "capability_tags",
            "review_requested",
            "review_status",
            "release_stage",
        ]

    def get_base_models(self, repository) -> list[dict]:
        return [{"repo_id": link.base_full_name, "relation": link.relation} for link in repository.base_links.all()]


class ScannedFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    sha256 = serializers.CharField()
    verdict = serializers.ChoiceField(choices=ScanVerdict.choices, source="scan_verdict")


class RevisionScanSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=ScanVerdict.choices, help_text="The worst of the files' verdicts.")
    files = ScannedFileSerializer(many=True)


class RepositoryDetailOutputSerializer(RepositoryOutputSerializer):
    open_cases = serializers.IntegerField()
    scan = serializers.SerializerMethodField(help_text="Artifact scanning's verdicts on the head revision's files.")

    class Meta(RepositoryOutputSerializer.Meta):
        fields = [*RepositoryOutputSerializer.Meta.fields, "open_cases", "scan"]

    @extend_schema_field(RevisionScanSerializer)
    def get_scan(self, repository: Repository) -> dict[str, Any]:
        files = sorted(repository.files.all(), key=lambda f: f.path)
        verdict = scan_verdict_worst(f.scan_verdict for f in files)
        return RevisionScanSerializer({"verdict": verdict, "files": files}).data


class RepositoryApi(APIView):
    permission_classes = [IsHub]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Repository.Kind.choices)
        revision = serializers.RegexField(
            r"^[0-9a-f]{7,64}$",
            required=False,
            error_messages={"invalid": "Use the commit sha of the head: 7 to 64 lowercase hex digits."},
        )
        license = serializers.CharField(max_length=64, required=False, allow_blank=True)
        # many=True hands max_length to the ListSerializer; the stubs check it against the child's __init__.
        base_models = BaseModelSerializer(many=True, required=False, max_length=1000)  # type: ignore[call-arg]
        files = FileSerializer(many=True, required=False, max_length=100_000)  # type: ignore[call-arg]
        card = serializers.CharField(required=False, allow_blank=True, max_length=200_000, trim_whitespace=False)
        capability_tags = serializers.ListField(
            child=serializers.RegexField(
                r"^[a-z0-9][a-z0-9._-]{0,63}$",
                error_messages={"invalid": "Use lowercase letters, digits, '.', '_' or '-', at most 64."},
            ),
            required=False,
            max_length=50,
            help_text="What the uploader declares the model can do; pre-publication review criteria match on them.",
        )
        review_requested = serializers.BooleanField(
            required=False, help_text="Ask for a pre-publication review whatever the criteria say."
        )

        def validate_files(self, files):
            paths = [f["path"] for f in files]
            if len(paths) != len(set(paths)):
                raise serializers.ValidationError("Each file path may appear once.")
            return files

    @extend_schema(
        request=InputSerializer, responses={200: RepositoryOutputSerializer, 201: RepositoryOutputSerializer}
    )
    def put(self, request, owner: str, name: str):
        _validate_handle(owner, "owner")
        _validate_handle(name, "name")
        data = validated(self.InputSerializer, request.data)
        reservation = namespace_refusal(handle=owner, repository_name=name)
        if reservation is not None:
            # Nothing of this sync is kept: the name is held for its former owner.
            held = repository_get(full_name=f"{owner}/{name}")
            body = RepositoryOutputSerializer(held).data if held is not None else {"owner": owner, "name": name}
            return Response({**body, "namespace": "reserved", "reserved_until": reservation.reserved_until})
        repository, created = repository_sync(
            actor=actor_for(request),
            owner=owner,
            name=name,
            kind=data["kind"],
            revision=data.get("revision"),
            license_key=data.get("license"),
            card=data.get("card"),
            base_models=[BaseModelRef(b["repo_id"], b["relation"]) for b in data["base_models"]]
            if "base_models" in data
            else None,
            files=[FileRef(**f) for f in data["files"]] if "files" in data else None,
            capability_tags=sorted(set(data["capability_tags"])) if "capability_tags" in data else None,
            review_requested=data.get("review_requested"),
        )
        # Read back with its lineage, files and open cases, as GET shows it.
        synced = repository_get(full_name=repository.full_name)
        return Response(
            {**RepositoryOutputSerializer(synced).data, "namespace": "free"},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses=RepositoryDetailOutputSerializer)
    def get(self, request, owner: str, name: str):
        repository = repository_get(full_name=f"{owner}/{name}")
        if repository is None:
            raise Http404
        return Response(RepositoryDetailOutputSerializer(repository).data)


def _validate_handle(value: str, field: str) -> None:
    try:
        handle_validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({field: list(exc.messages)}) from exc
