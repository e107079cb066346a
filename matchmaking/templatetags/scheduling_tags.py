from django import template

from ..reasons import unscheduled_reason_text

register = template.Library()


@register.filter
def unscheduled_reason(code: str) -> str:
    """``{{ request.unscheduled_reason|unscheduled_reason }}``: the reason in the viewer's language."""
    return unscheduled_reason_text(code)
