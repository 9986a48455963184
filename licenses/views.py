from django.shortcuts import render

from licenses.models import License
from licenses.selectors import actionable_catalogue


def catalogue(request):
    """The public list of what the hub acts on, so reporters and uploaders know in advance."""
    return render(
        request,
        "licenses/catalogue.html",
        {
            "actionable": actionable_catalogue(),
            "not_actionable": License.objects.filter(actionable=False).order_by("key"),
        },
    )
