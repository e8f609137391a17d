from django import template

register = template.Library()


@register.filter
def dong(value) -> str:
    """An amount in đồng written the Vietnamese way: 12.000 đ."""
    try:
        return f"{int(value):,}".replace(",", ".") + " đ"
    except (TypeError, ValueError):
        return ""


@register.filter
def month_short(value) -> str:
    """A month (a date) as MM/YYYY."""
    return f"{value:%m/%Y}" if value else ""
