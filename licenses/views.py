from django.shortcuts import render

from licenses.selectors import actionable_catalogue, unactionable_licenses


def catalogue(request):
    """The public list of what the hub acts on, so reporters and uploaders know in advance."""
    return render(
        request,
        "licenses/catalogue.html",
        {
            "actionable": actionable_catalogue(),
            "not_actionable": unactionable_licenses(),
        },
    )
