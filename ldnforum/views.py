from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Our look for a refused form; the reason stays in the logs."""
    return render(request, "403_csrf.html", status=403)
