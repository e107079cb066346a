from django.contrib import messages
from django.shortcuts import redirect, render

from ..services import DomainError


def form_page(request, *, form, save, template, context, done_message, done_url):
    """Show a form; on a valid POST call ``save`` (a service), which may refuse with a
    DomainError shown on the form. Bad input answers 400 with the form and its messages."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done_message)
            return redirect(done_url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)
