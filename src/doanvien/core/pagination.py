from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404


def paginate(request, queryset, per_page: int | None = None, count: int | None = None):
    """The requested page of a queryset; a page that does not exist is a 404. Pass `count`
    when the number of rows is already known (a kept counter), to skip counting them."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise Http404 from None
